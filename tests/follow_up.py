"""Follow-up: COEs and items made the way the bot makes them, at any moment.

The follow-up tests need COEs started weeks ago and items created, done or snoozed on given
days, without running each review through Slack. So these helpers call the storage functions
the bot writes with (the same ones `/coe start`, a reply, an `action:` line and the Done,
Snooze and Drop buttons end in), with the moment passed as `now`: what they store is what the
bot would have stored at that moment.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from bot.cli import build_runtime
from bot.core import action_items as item_rules
from bot.core import facilitation
from bot.core.action_items import ItemState, ItemStatus, NewItem, StatusAction
from bot.core.facilitation import Status
from bot.runtime.context import Runtime
from bot.settings import load_settings
from storage import action_items as item_store
from storage import coes, users
from storage.models import ActionItem, Digest, DigestPeriod, Nudge
from tests.conftest import Clock, bot_env
from tests.fake_slack import FakeSlack
from tests.scenario import SITE_DOWN

_parent_ts = itertools.count(1)
# The items' `action:` lines: each item comes from a message of its own, as in a thread.
_source_ts = itertools.count(1)


def make_runtime(fake: FakeSlack, database_url: str, clock: Clock, **env: str) -> Runtime:
    """A runtime like one process of the bot; call it twice for two processes on one database."""
    return build_runtime(load_settings(bot_env(fake, database_url, **env)), clock=clock)


def add_coe(
    rt: Runtime,
    channel: str = "CINC",
    problem: str = SITE_DOWN,
    status: str = "asking",
    created_at: datetime | None = None,
    whys: tuple[str, ...] = (),
    facilitator: str = "UALICE",
    closed_at: datetime | None = None,
    permalink: str | None = None,
) -> int:
    """A COE started by `facilitator` at `created_at` (30 days ago unless given), as `/coe start`
    stores it; `whys` are UBOB's answers so far, as why #1, #2, ...

    `status` "chain_done" ends the chain after those answers; `closed_at` closes the COE then.
    """
    created = created_at or rt.now() - timedelta(days=30)
    review = facilitation.start(problem)
    for number, text in enumerate(whys, start=1):
        review = facilitation.record_answer(review, text, "UBOB", f"1690000001.{number:06d}")
    if status == Status.CHAIN_DONE.value:
        review = facilitation.end_chain(review)
    else:
        assert status == Status.ASKING.value, f"a COE cannot be made {status!r} here"
    with Session(rt.engine) as session:
        coe = coes.create_coe(
            session=session,
            team_id="T0001",
            channel_id=channel,
            problem=problem,
            facilitator_id=facilitator,
            now=created,
        )
        parent_ts = f"1690000000.{next(_parent_ts):06d}"
        coes.mark_started(session=session, coe=coe, parent_ts=parent_ts)
        assert coe.id is not None
        if permalink is not None:
            coes.set_permalink(session=session, coe_id=coe.id, permalink=permalink)
        coes.save_chain(session=session, coe=coe, chain=review, now=created)
        if closed_at is not None:
            coes.set_closed(session=session, coe=coe, user_id=facilitator, now=closed_at)
        session.commit()
        return coe.id


def add_item(
    rt: Runtime,
    coe_id: int,
    owner: str,
    due: date,
    text: str = "Add an alarm",
    why_number: int | None = None,
    status: str = "open",
    closed_at: datetime | None = None,
    snoozed_until: date | None = None,
) -> int:
    """An item UALICE added ten days ago, as capture records it (for the latest why unless
    `why_number` names one); `status` "done" or "dropped" closes it at `closed_at` (now unless
    given), and `snoozed_until` snoozes it, as the buttons do."""
    created = rt.now() - timedelta(days=10)
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        why = item_rules.pick_why(coes.load_chain(session=session, coe=coe), why_number)
        row = item_store.create_item(
            session=session,
            coe_id=coe_id,
            item=NewItem(text, owner, due, why),
            created_by="UALICE",
            now=created,
            source_ts=f"1690000002.{next(_source_ts):06d}",
        )
        assert row is not None and row.id is not None
        item_id = row.id
        if snoozed_until is not None:
            # The Snooze button always snoozes for a week from the owner's today; these tests
            # need the snooze to end on a given day, so the state is given as it is stored.
            _save(session, row, ItemState(ItemStatus.OPEN, snoozed_until), StatusAction.SNOOZE)
        session.commit()
    if status != ItemStatus.OPEN.value:
        close_item(rt, item_id, status, at=closed_at)
    return item_id


def close_item(rt: Runtime, item_id: int, status: str = "done", at: datetime | None = None) -> None:
    """Mark the item "done" or "dropped" (by its owner, at `at`, now unless given), as the Done
    and Drop buttons store it."""
    action = StatusAction.DONE if status == ItemStatus.DONE.value else StatusAction.DROP
    with Session(rt.engine) as session:
        row = item_store.get_item(session=session, item_id=item_id)
        assert row is not None
        state = item_rules.change_status(
            item_store.state_of(row), action, (at or rt.now()).date(), "No longer needed"
        )
        _save(session, row, state, action, at or rt.now())
        session.commit()


def _save(
    session: Session,
    row: ActionItem,
    state: ItemState,
    action: StatusAction,
    now: datetime | None = None,
) -> None:
    """Store the item's new state with its change, as the status buttons store them."""
    item_store.save_state(
        session=session,
        item=row,
        state=state,
        change=action.value,
        actor_id=row.owner_id,
        now=now or row.created_at,
        detail=item_rules.change_detail(action, state),
    )


def add_user(rt: Runtime, user_id: str, tz: str) -> None:
    """What users.info said of a person, cached as the bot caches it."""
    with Session(rt.engine) as session:
        users.save_user(
            session=session, user_id=user_id, tz=tz, is_bot=False, deleted=False, now=rt.now()
        )
        session.commit()


def get_item(rt: Runtime, item_id: int) -> ActionItem:
    with Session(rt.engine) as session:
        item = item_store.get_item(session=session, item_id=item_id)
        assert item is not None
        return item


def nudges(rt: Runtime) -> list[tuple[int, date, str]]:
    with Session(rt.engine) as session:
        rows = session.exec(select(Nudge)).all()
        return sorted((row.item_id, row.day, row.kind) for row in rows)


def digests(rt: Runtime) -> list[tuple[str, str]]:
    with Session(rt.engine) as session:
        return sorted((row.channel_id, row.period) for row in session.exec(select(Digest)).all())


def periods(rt: Runtime) -> list[str]:
    """The digest periods whose channels with nothing to report have been decided."""
    with Session(rt.engine) as session:
        return sorted(session.exec(select(DigestPeriod.period)).all())
