"""Use cases of action items: capture from a thread or the modal, change status, list."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from bot.core import action_items as core
from bot.core.action_items import ActionDraft, ActionItemError, NewItem, Person, StatusAction
from bot.core.commands import ListActions
from bot.core.dates import format_day, owner_today
from bot.core.facilitation import Chain, Status, Step
from bot.core.item_form import FormField, ItemForm, check_form
from bot.core.item_text import due_note, status_note, status_reply
from bot.core.replies import ActionRequest
from bot.use_cases import canvases, home, users, visibility
from bot.use_cases.context import Context
from bot.use_cases.outcome import Outcome
from bot.use_cases.reading import LookupFailed
from storage import action_items as store
from storage import coes
from storage import users as user_cache
from storage.models import ActionItem, Coe

log = logging.getLogger(__name__)

GONE = "That action item no longer exists."
COE_GONE = "That COE no longer exists."


@dataclass(frozen=True)
class Prepared:
    """An `action:` line read and its owner looked up, before any transaction; or why not."""

    draft: ActionDraft | None = None
    owner: Person | None = None
    error: str | None = None


@dataclass(frozen=True)
class ItemList:
    """`/coe actions`: whose open items were asked for, overdue first, and how many in all."""

    owner_id: str | None  # None when the asker asked for their own
    asker_id: str
    everyone: bool
    items: list[core.ListedItem]
    total: int
    names: Mapping[str, str]


# Capture from a thread -----------------------------------------------------------------------


def prepare_capture(rt: Context, *, author_id: str, text: str) -> Prepared:
    """Read the line and look the owner up in Slack; runs before the transaction it feeds."""
    try:
        draft = core.parse_action(text)
    except ActionItemError as error:
        return Prepared(error=str(error))
    owner_id = draft.owner_id or author_id
    try:
        owner = users.look_up(rt, owner_id)
    except LookupFailed as error:
        log.warning("users.info failed for %s: %s", owner_id, error)
        return Prepared(
            error=f"I couldn't look <@{owner_id}> up in Slack just now ({error}), so nothing "
            "was recorded. Please send the action item again."
        )
    if owner is None:
        return Prepared(error=str(core.unknown_owner(owner_id)))
    return Prepared(draft=draft, owner=owner)


def capture(
    rt: Context,
    session: Session,
    *,
    coe: Coe,
    chain: Chain,
    request: ActionRequest,
    prepared: Prepared,
    author_id: str,
    source_ts: str,
) -> list[int]:
    """Record the item in the caller's transaction and queue the confirmation in the thread.

    Raises `ActionItemError` (nothing recorded) with the message for the author.
    """
    if prepared.error is not None or prepared.draft is None or prepared.owner is None:
        raise ActionItemError(prepared.error or "That action item could not be read.")
    item = core.plan_item(
        prepared.draft, request.why_number, prepared.owner, chain, rt.now(), rt.settings.timezone
    )
    return _record(rt, session, coe, item, author_id, source_ts)


def recorded_from(session: Session, *, coe: Coe, source_ts: str) -> bool:
    """Whether that thread message already made an item (an edit of it makes no second one)."""
    return store.exists_from(session=session, coe_id=_coe_id(coe), source_ts=source_ts)


def _record(
    rt: Context, session: Session, coe: Coe, item: NewItem, author_id: str, source_ts: str
) -> list[int]:
    coe_id = _coe_id(coe)
    row = store.create_item(
        session=session,
        coe_id=coe_id,
        item=item,
        created_by=author_id,
        now=rt.now(),
        source_ts=source_ts,
    )
    if row is None:  # the same message or form was already recorded
        return []
    home.queue_refresh(rt, session, item.owner_id)
    names = users.names_in(session, item.description, item.why.answer, item.why.subject)
    assert row.id is not None
    ids = [rt.say(session).confirm_item(coe, item, author_id, names, row.id)]
    return ids + canvases.changed(rt, session, coe_id=coe_id)


# Capture from the modal ----------------------------------------------------------------------


def fill_add_form(
    rt: Context, *, coe_id: int, user_id: str, view_id: str, why_number: int | None = None
) -> str | None:
    """Put the "Add action item" form in the modal the click opened, for why #`why_number`
    (the latest answer when None); or return why not."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        if coe is None or coe.status == Status.STARTING:
            return COE_GONE
        chain = coes.load_chain(session=session, coe=coe)
        whys = chain.answered or chain.steps
        names = users.names_in(session, *(text for step in whys for text in _step_texts(step)))
    if not whys:
        return COE_GONE
    rt.say().fill_add_form(
        view_id=view_id,
        coe_id=coe_id,
        whys=whys,
        default_why=_default_why(chain, why_number),
        owner_id=user_id,
        names=names,
    )
    return None


def check_modal(rt: Context, *, coe_id: int, form: ItemForm) -> dict[FormField, str]:
    """Errors to show in the submitted modal, by field; runs before the ack, so no Slack call.

    An owner never looked up is taken as a person in the COE's timezone for now; the worker
    checks them in Slack before anything is recorded.
    """
    owner = None
    if form.owner_id is not None:
        owner = users.known(rt, form.owner_id) or Person(
            form.owner_id, rt.settings.timezone.key, is_bot=False, deleted=False
        )
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        if coe is None or coe.status == Status.STARTING:
            return {FormField.DESCRIPTION: COE_GONE}
        chain = coes.load_chain(session=session, coe=coe)
    return check_form(form, owner, chain, rt.now(), rt.settings.timezone)[1]


def add_from_modal(
    rt: Context, *, coe_id: int, actor_id: str, form: ItemForm, view_id: str
) -> Outcome:
    """Record a submitted modal after looking its owner up; runs after the ack.

    Safe to run again (the view id keys the item), so a Slack error in the lookup is left to
    propagate and the worker retries.
    """
    owner = users.look_up(rt, form.owner_id) if form.owner_id else None
    users.learn_mentioned(rt, form.description)
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id, lock=True)
        if coe is None or coe.status == Status.STARTING:
            return Outcome(False, COE_GONE)
        chain = coes.load_chain(session=session, coe=coe)
        item, errors = check_form(form, owner, chain, rt.now(), rt.settings.timezone)
        if item is None or errors:
            text = "The action item was not recorded: " + " ".join(errors.values())
            ids = [_enqueue_ephemeral(rt, session, coe, actor_id, text)]
            session.commit()
            return Outcome(False, text, message_ids=ids, errors=errors)
        # A view is submitted once; its id keeps a retried submission from recording twice.
        ids = _record(rt, session, coe, item, actor_id, f"view:{view_id}")
        session.commit()
    return Outcome(True, message_ids=ids)


def report_unrecorded_form(rt: Context, *, coe_id: int, actor_id: str) -> list[int]:
    """The form could not be recorded even after retries: say so to the person who sent it."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        if coe is None:
            return []
        text = (
            "Sorry, I could not record the action item from your form (Slack or the database "
            "kept failing). Nothing was saved; please add it again."
        )
        ids = [_enqueue_ephemeral(rt, session, coe, actor_id, text)]
        session.commit()
    return ids


# Status -------------------------------------------------------------------------------------


def change_status(
    rt: Context,
    *,
    item_id: int,
    actor_id: str,
    action: StatusAction,
    reason: str | None = None,
) -> Outcome:
    """Done, snooze a week or drop, by the owner or the COE's facilitator only."""
    with Session(rt.engine) as session:
        found = _load_item(session, item_id, lock=True)
        if found is None:
            return Outcome(False, GONE)
        item, coe = found
        if not core.may_change(actor_id, item.owner_id, coe.facilitator_id):
            return Outcome(False, core.who_may_change(item.owner_id, coe.facilitator_id))
        today = users.today_of(rt, session, item.owner_id)
        try:
            state = core.change_status(store.state_of(item), action, today, reason)
        except ActionItemError as error:
            return Outcome(False, str(error))
        store.save_state(
            session=session,
            item=item,
            state=state,
            change=action.value,
            actor_id=actor_id,
            now=rt.now(),
            detail=core.change_detail(action, state),
        )
        home.queue_refresh(rt, session, item.owner_id)
        note = status_note(
            actor_id,
            item.text,
            action,
            state.snoozed_until,
            state.drop_reason or "",
            users.names_in(session, item.text, state.drop_reason),
        )
        say = rt.say(session)
        ids = [say.note(coe, note, on_behalf_of=actor_id, what="the note of your change")]
        coe_id = _coe_id(coe)
        ids += canvases.changed(rt, session, coe_id=coe_id)
        session.commit()
    return Outcome(True, status_reply(coe_id, note), message_ids=ids)


def set_due(rt: Context, *, item_id: int, actor_id: str, due: date) -> Outcome:
    """Give an open item a due date (the date picker), by its owner or the COE's facilitator."""
    with Session(rt.engine) as session:
        found = _load_item(session, item_id, lock=True)
        if found is None:
            return Outcome(False, GONE)
        item, coe = found
        try:
            ids = _set_due(rt, session, item, coe, actor_id, due)
        except ActionItemError as error:
            return Outcome(False, str(error))
        session.commit()
    return Outcome(True, f"The action item is now due {format_day(due)}.", message_ids=ids)


def date_latest(
    rt: Context, session: Session, *, coe: Coe, author_id: str, phrase: str
) -> list[int]:
    """`due <date>` in a thread: the date of the writer's latest item without one, in the
    caller's transaction; raises `ActionItemError` with why not."""
    item = store.latest_undated(session=session, coe_id=_coe_id(coe), created_by=author_id)
    if item is None:
        raise ActionItemError(
            "You have no action item without a due date in this COE, so there is nothing to "
            "date. To change a date, drop the item and add it again."
        )
    due = core.due_for(phrase, users.today_of(rt, session, item.owner_id))
    return _set_due(rt, session, item, coe, author_id, due)


def _set_due(
    rt: Context, session: Session, item: ActionItem, coe: Coe, actor_id: str, due: date
) -> list[int]:
    if not core.may_change(actor_id, item.owner_id, coe.facilitator_id):
        raise ActionItemError(core.who_may_change(item.owner_id, coe.facilitator_id))
    if item.status != core.ItemStatus.OPEN.value:
        raise ActionItemError(f"This action item is already {item.status}.")
    if due < users.today_of(rt, session, item.owner_id):
        raise ActionItemError(f"{format_day(due)} is in the past: pick today or a later day.")
    store.set_due(session=session, item=item, due=due, actor_id=actor_id, now=rt.now())
    home.queue_refresh(rt, session, item.owner_id)
    note = due_note(actor_id, item.text, due, users.names_in(session, item.text))
    ids = [rt.say(session).note(coe, note, on_behalf_of=actor_id, what="the note of your change")]
    return ids + canvases.changed(rt, session, coe_id=_coe_id(coe))


def fill_drop_form(rt: Context, *, item_id: int, user_id: str, view_id: str) -> str | None:
    """Ask for the reason in the modal the click opened; or return why the user can't drop it."""
    with Session(rt.engine) as session:
        found = _load_item(session, item_id)
        if found is None:
            return GONE
        item, coe = found
        if not core.may_change(user_id, item.owner_id, coe.facilitator_id):
            return core.who_may_change(item.owner_id, coe.facilitator_id)
        if item.status != core.ItemStatus.OPEN.value:
            return f"This action item is already {item.status}."
        names = users.names_in(session, item.text)
    rt.say().fill_drop_form(view_id=view_id, item_id=item_id, description=item.text, names=names)
    return None


def _load_item(session: Session, item_id: int, lock: bool = False) -> tuple[ActionItem, Coe] | None:
    item = store.get_item(session=session, item_id=item_id, lock=lock)
    coe = coes.get_coe(session=session, coe_id=item.coe_id) if item else None
    return (item, coe) if item is not None and coe is not None else None


# Lists --------------------------------------------------------------------------------------


def list_for(rt: Context, *, asker_id: str, query: ListActions) -> ItemList:
    """`/coe actions [@someone|all]`: open items, overdue first."""
    owner_id = None if query.everyone else (query.owner_id or asker_id)
    # Others' items show where the asker may see their COE; one's own items show wherever they
    # are, as their nudges do.
    shown = None
    if owner_id != asker_id:
        with Session(rt.engine) as session:
            held = store.open_item_channels(session=session, owner_id=owner_id)
        shown = visibility.visible_channels(rt, visibility.reader(rt, asker_id), held)
    scope: dict[str, Any] = {"owner_id": owner_id, "channel_ids": shown, "or_owner": asker_id}
    with Session(rt.engine) as session:
        rows = store.open_items(session=session, **scope)
        total = store.count_open(session=session, **scope)
        zones = user_cache.timezones(
            session=session, user_ids=sorted({item.owner_id for item, _ in rows})
        )
        names = users.names_in(session, *(item.text for item, _ in rows))
    now = rt.now()
    listed = [
        store.listed(item, owner_today(now, zones.get(item.owner_id), rt.settings.timezone))
        for item, _ in rows
    ]
    return ItemList(query.owner_id, asker_id, query.everyone, core.list_order(listed), total, names)


# Shared steps -------------------------------------------------------------------------------


def _enqueue_ephemeral(rt: Context, session: Session, coe: Coe, user_id: str, text: str) -> int:
    return rt.say(session).tell_privately(
        channel_id=coe.channel_id, thread_ts=coe.parent_ts, user_id=user_id, text=text
    )


def _default_why(chain: Chain, why_number: int | None) -> Step:
    try:
        return core.pick_why(chain, why_number)
    except ActionItemError:
        return core.pick_why(chain, None)


def _step_texts(step: Step) -> tuple[str | None, str]:
    return step.answer, step.subject


def _coe_id(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
