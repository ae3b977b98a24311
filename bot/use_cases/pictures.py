"""The picture of a COE's tree of causes: drawn when it is sent to the thread (never on the way
to the next why), and for the command line and `coe-bot try`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.core import facilitation as core
from bot.core.cause_picture import picture_filename, render_picture
from bot.core.review_text import coe_key
from bot.use_cases import documents
from bot.use_cases.context import Context
from storage import coes
from storage.models import Coe


@dataclass(frozen=True)
class ForUpload:
    """The picture as the tree stands, and the thread it goes to."""

    channel_id: str
    thread_ts: str | None
    key: str
    filename: str
    png: bytes


def queue(rt: Context, session: Session, *, coe: Coe, after: Sequence[int]) -> int:
    """Queue the picture for the COE's thread, in the caller's transaction, to follow the
    messages `after` (the chain summary). It is drawn when sent."""
    return rt.say(session).share_picture(coe, after=after)


def for_upload(rt: Context, coe_id: int) -> ForUpload:
    """The picture of the tree as it stands now; looks people up in Slack, so no transaction
    may be open."""
    coe, doc = documents.looked_up(rt, coe_id)
    return ForUpload(
        coe.channel_id, coe.parent_ts, doc.key, picture_filename(doc.key), render_picture(doc)
    )


def export(rt: Context, coe_id: int) -> bytes | None:
    """The picture of a COE for the command line; None when there is no such COE."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        if coe is None or coe.status == core.Status.STARTING:
            return None
        doc = documents.build(session, coe=coe, zone=rt.settings.timezone, everywhere=True)
        return render_picture(doc)


def filename(coe_id: int) -> str:
    """Where `coe-bot try` writes the picture of COE `coe_id`."""
    return picture_filename(coe_key(coe_id))
