"""Runtimes and rows for the follow-up tests: COEs and action items written straight to tables."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.runtime import Runtime, make_slack_client
from bot.settings import load_settings
from bot.slack.outgoing import SlackOutgoing
from storage.db import make_engine
from storage.models import ActionItem, Coe, Digest, Nudge, OutboxMessage, SlackUser, WhyStep
from tests.conftest import Clock, bot_env
from tests.fake_slack import FakeSlack

_thread_ts = itertools.count(1)


def make_runtime(fake: FakeSlack, database_url: str, clock: Clock, **env: str) -> Runtime:
    """A runtime like one process of the bot; call it twice for two processes on one database."""
    settings = load_settings(bot_env(fake, database_url, **env))
    return Runtime(
        settings=settings,
        engine=make_engine(settings.database_url),
        slack=make_slack_client(settings),
        outgoing=SlackOutgoing,
        clock=clock,
    )


def add_coe(
    rt: Runtime,
    channel: str = "CINC",
    problem: str = "The site went down",
    status: str = "asking",
    created_at: datetime | None = None,
    whys: tuple[str, ...] = (),
    facilitator: str = "UALICE",
    **fields: Any,
) -> int:
    """A started COE; `whys` are the answers recorded so far, as why #1, #2, ...

    `fields` are other columns of the COE: `closed_at`, `permalink`.
    """
    created = created_at or rt.now() - timedelta(days=30)
    with Session(rt.engine) as session:
        coe = Coe(
            channel_id=channel,
            problem=problem,
            facilitator_id=facilitator,
            status=status,
            parent_ts=f"1690000000.{next(_thread_ts):06d}",
            created_at=created,
            **fields,
        )
        session.add(coe)
        session.flush()
        assert coe.id is not None
        subject = problem
        for number, answer in enumerate(whys, start=1):
            session.add(
                WhyStep(
                    coe_id=coe.id,
                    number=number,
                    subject=subject,
                    answer=answer,
                    answer_author="UBOB",
                    asked_at=created,
                )
            )
            subject = answer
        session.commit()
        return coe.id


def add_item(
    rt: Runtime, coe_id: int, owner: str, due: date, text: str = "Add an alarm", **fields: Any
) -> int:
    with Session(rt.engine) as session:
        item = ActionItem(
            coe_id=coe_id,
            text=text,
            owner_id=owner,
            due=due,
            created_by="UALICE",
            created_at=rt.now() - timedelta(days=10),
            **fields,
        )
        session.add(item)
        session.commit()
        assert item.id is not None
        return item.id


def add_user(rt: Runtime, user_id: str, tz: str) -> None:
    with Session(rt.engine) as session:
        session.add(SlackUser(user_id=user_id, tz=tz, fetched_at=rt.now()))
        session.commit()


def update_item(rt: Runtime, item_id: int, **fields: Any) -> None:
    with Session(rt.engine) as session:
        item = session.get(ActionItem, item_id)
        assert item is not None
        for name, value in fields.items():
            setattr(item, name, value)
        session.add(item)
        session.commit()


def get_item(rt: Runtime, item_id: int) -> ActionItem:
    with Session(rt.engine) as session:
        item = session.get(ActionItem, item_id)
        assert item is not None
        return item


def nudges(rt: Runtime) -> list[tuple[int, date, str]]:
    with Session(rt.engine) as session:
        rows = session.exec(select(Nudge)).all()
        return sorted((row.item_id, row.day, row.kind) for row in rows)


def digests(rt: Runtime) -> list[tuple[str, str]]:
    with Session(rt.engine) as session:
        return sorted((row.channel_id, row.period) for row in session.exec(select(Digest)).all())


def outbox_rows(rt: Runtime) -> list[OutboxMessage]:
    with Session(rt.engine) as session:
        return list(session.exec(select(OutboxMessage)).all())


def claim_and_die(rt: Runtime, message_id: int) -> None:
    """What a sender leaves behind when it dies mid-send: the message claimed, never finished."""
    with Session(rt.engine) as session:
        session.exec(  # type: ignore[call-overload]
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.status) == "pending")
            .values(status="sending", claimed_at=rt.now(), attempts=OutboxMessage.attempts + 1)
        )
        session.commit()
