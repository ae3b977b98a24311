"""What Slack told us about channels when it refused to post there."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.db import insert_for
from storage.models import SlackChannel


def mark_archived(*, session: Session, channel_id: str, now: datetime) -> None:
    """Note that Slack answered `is_archived` for the channel; another process may too."""
    table = SlackChannel.__table__  # type: ignore[attr-defined]
    statement = insert_for(session, table).values(channel_id=channel_id, archived_at=now)
    session.execute(
        statement.on_conflict_do_update(index_elements=["channel_id"], set_={"archived_at": now})
    )


def is_archived(*, session: Session, channel_id: str) -> bool:
    channel = session.get(SlackChannel, channel_id)
    return channel is not None and channel.archived_at is not None
