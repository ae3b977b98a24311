"""Use cases on a whole review: its buttons, export, closing and reopening."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from bot.core import facilitation as core
from bot.core.facilitation import Chain, FacilitationError
from bot.core.review_text import coe_key
from bot.use_cases import canvases, visibility
from bot.use_cases.context import Context
from bot.use_cases.outcome import Outcome
from bot.use_cases.review_posts import save_and_announce, thread_notice
from storage import coes


def end_chain_by_button(rt: Context, *, coe_id: int, user_id: str) -> Outcome:
    """The "out of ideas" button on a why: this branch is done."""
    return _by_button(rt, coe_id, core.end_branch)


def finish_by_button(rt: Context, *, coe_id: int, user_id: str) -> Outcome:
    """ "No, we're done" on the offered angles: the chain is complete."""
    return _by_button(rt, coe_id, core.end_chain)


def ask_angle_by_button(rt: Context, *, coe_id: int, angle: str, user_id: str) -> Outcome:
    """One of the offered angles: its question as a new branch."""
    try:
        picked = core.angles.Angle(angle)
    except ValueError:
        return Outcome(False, "I don't know that angle.")
    return _by_button(rt, coe_id, lambda chain: core.ask_angle(chain, picked))


def export_to_thread(rt: Context, *, coe_id: int, user_id: str) -> Outcome:
    """Queue the COE document's upload to its thread; refused if the user may not see it."""
    missing = Outcome(False, f"There is no {coe_key(coe_id)} that you can see.")
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        channel_id = coe.channel_id if coe and coe.status != core.Status.STARTING else None
    # A Slack call (membership), so outside any transaction.
    if channel_id is None or not visibility.may_see(rt, user_id, channel_id):
        return missing
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        ids = canvases.export(rt, session, coe=coe, user_id=user_id)
        session.commit()
    return canvases.exported(rt, coe_id, Outcome(True, message_ids=ids))


def set_closed(rt: Context, *, coe_id: int, user_id: str, closed: bool) -> Outcome:
    """`/coe close` and `/coe reopen`, by the facilitator."""
    key = coe_key(coe_id)
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id, lock=True)
        if coe is None or coe.status == core.Status.STARTING:
            return Outcome(False, f"There is no {key}. `/coe list` shows this channel's COEs.")
        if coe.facilitator_id != user_id:
            verb = "close" if closed else "reopen"
            return Outcome(
                False, f"Only {key}'s facilitator, <@{coe.facilitator_id}>, can {verb} it."
            )
        if (coe.closed_at is not None) == closed:
            return Outcome(False, f"{key} is already {'closed' if closed else 'open'}.")
        coes.set_closed(
            session=session,
            coe=coe,
            user_id=user_id if closed else None,
            now=rt.now() if closed else None,
        )
        note = (
            f"<@{user_id}> closed {key}: answers are no longer recorded; its action items "
            "are still followed up."
            if closed
            else f"<@{user_id}> reopened {key}: answers are recorded again."
        )
        ids = [thread_notice(rt, session, coe, note)]
        ids += canvases.changed(rt, session, coe_id=coe_id)  # its status line
        session.commit()
    return Outcome(True, f"{key} is now {'closed' if closed else 'open'}.", ids)


def latest_in_channel(rt: Context, channel_id: str) -> int | None:
    """The channel's most recent COE, for `/coe export` without an id."""
    with Session(rt.engine) as session:
        return coes.latest_in_channel(session=session, channel_id=channel_id)


def _by_button(rt: Context, coe_id: int, transition: Callable[[Chain], Chain]) -> Outcome:
    def apply(session: Session) -> list[int]:
        coe = coes.get_coe(session=session, coe_id=coe_id, lock=True)
        if coe is None or coe.status == core.Status.STARTING:
            raise FacilitationError("That COE no longer exists.")
        if coe.closed_at is not None:
            raise FacilitationError(f"{coe_key(coe_id)} is closed.")
        chain = coes.load_chain(session=session, coe=coe)
        return save_and_announce(rt, session, coe, chain, transition(chain))

    try:
        return Outcome(True, message_ids=rt.transact(apply))
    except FacilitationError as error:
        return Outcome(False, str(error))
