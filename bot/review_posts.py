"""What the thread sees of a review's transitions: the next why, second causes, the offered
angles, the tree of causes, reactions on answers and the parent's status line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from bot import delivery, documents, thread_posts, users
from bot.core import facilitation as core
from bot.core.facilitation import Chain
from bot.runtime import Runtime
from bot.slack import messages
from storage import coes, outbox
from storage.models import Coe, WhyStep

PARENT_UPDATE_DELAY = timedelta(seconds=2)
# chat.update is rate limited per workspace (Tier 3, about 50 a minute): the refreshes of all
# the COEs under way share 40 of them, and leave the rest to other updates.
PARENT_UPDATES_APART = timedelta(seconds=1.5)


def save_and_announce(
    rt: Runtime,
    session: Session,
    coe: Coe,
    before: Chain,
    after: Chain,
    message_deleted: bool = False,
) -> list[int]:
    """Store the transition and queue what the thread should see of it."""
    rows = coes.save_chain(session=session, coe=coe, chain=after, now=rt.now())
    coe_id, names = coe_id_of(coe), names_for(session, after)
    ids = _answer_reactions(rt, session, coe, before, after, message_deleted)
    if after.status is core.Status.CHAIN_DONE:
        related = documents.similar_causes(session, coe=coe, chain=after)
        ids += [
            enqueue_thread(rt, session, coe, part)
            for part in messages.build_chain_summary(coe_id, after, related, names)
        ]
    elif after.status is core.Status.OFFERING:
        offer = messages.build_angle_offer(coe_id, core.missing_angles(after))
        ids.append(enqueue_thread(rt, session, coe, offer))
    elif _asks_anew(before, after):
        lead = _prompt_lead(before, after, names)
        ids.append(enqueue_prompt(rt, session, coe, after, rows, lead, names))
    else:
        ids += [
            enqueue_thread(
                rt, session, coe, messages.build_second_cause(coe_id, after, step, names)
            )
            for step in _new_causes(before, after)
        ]
    parent = _enqueue_parent_update(rt, session, coe, after, names)
    # Sent now only if it is due now; otherwise the outbox pass sends it when it is.
    if after.status is core.Status.CHAIN_DONE:
        ids.append(parent)
    return ids


def names_for(session: Session, chain: Chain) -> dict[str, str]:
    """How to show the people mentioned in the chain's texts, as far as the cache knows."""
    texts = [
        chain.problem,
        *(s.answer or "" for s in chain.steps),
        *(s.question or "" for s in chain.steps),
    ]
    return users.names_in(session, *texts)


def _asks_anew(before: Chain, after: Chain) -> bool:
    """Whether the open why is a different question from the one already asked."""
    old, new = before.open_step, after.open_step
    if new is None:
        return False
    return (
        old is None
        or (old.number, old.subject, old.question, old.answer)
        != (
            new.number,
            new.subject,
            new.question,
            new.answer,
        )
        or len(after.answered) < len(before.answered)
    )


def _prompt_lead(before: Chain, after: Chain, names: messages.Names) -> str | None:
    """A line before the question: an answer taken back, or a branch the bot goes back to."""
    if len(after.answered) < len(before.answered):
        taken = {s.answer_ts for s in before.answered} - {s.answer_ts for s in after.answered}
        gone = next(s for s in before.answered if s.answer_ts in taken)
        return messages.took_back(gone.answer or "", names)
    old, new = before.open_step, after.open_step
    answered_now = {step.number for step in _new_causes(before, after)}
    if old and new and new.parent is not None and new.parent not in (old.parent, *answered_now):
        about = after.step(new.parent)
        return messages.back_to(about, names) if about else None
    return None


def _new_causes(before: Chain, after: Chain) -> list[core.Step]:
    known = {step.answer_ts for step in before.answered}
    return [step for step in after.answered if step.answer_ts not in known]


def _answer_reactions(
    rt: Runtime, session: Session, coe: Coe, before: Chain, after: Chain, message_deleted: bool
) -> list[int]:
    """A mark on each message taken as an answer, taken off when the answer is taken back."""
    old = {s.answer_ts for s in before.answered if s.answer_ts}
    new = {s.answer_ts for s in after.answered if s.answer_ts}
    ids = [reaction(rt, session, coe, ts) for ts in sorted(new - old)]
    if not message_deleted:
        ids += [reaction(rt, session, coe, ts, remove=True) for ts in sorted(old - new)]
    return ids


def reaction(rt: Runtime, session: Session, coe: Coe, ts: str, remove: bool = False) -> int:
    return outbox.enqueue(
        session=session,
        method="reactions.remove" if remove else "reactions.add",
        payload={"channel": coe.channel_id, "timestamp": ts, "name": messages.RECORDED_REACTION},
        now=rt.now(),
    )


def enqueue_prompt(
    rt: Runtime,
    session: Session,
    coe: Coe,
    chain: Chain,
    rows: dict[int, WhyStep],
    lead: str | None = None,
    names: messages.Names = messages.NO_NAMES,
) -> int:
    step = chain.open_step
    assert step is not None
    first = not chain.answered and step.number == 1
    prompt = messages.build_why_prompt(coe_id_of(coe), step, lead, with_help=first, names=names)
    return outbox.enqueue(
        session=session,
        method="chat.postMessage",
        payload={"channel": coe.channel_id, "thread_ts": coe.parent_ts, **prompt},
        now=rt.now(),
        why_step_id=rows[step.number].id,
    )


def enqueue_thread(rt: Runtime, session: Session, coe: Coe, message: dict[str, Any]) -> int:
    return thread_posts.in_thread(
        rt, session, channel_id=coe.channel_id, thread_ts=coe.parent_ts, message=message
    )


def thread_notice(rt: Runtime, session: Session, coe: Coe, text: str) -> int:
    return enqueue_thread(rt, session, coe, messages.build_notice(text))


def _enqueue_parent_update(
    rt: Runtime, session: Session, coe: Coe, chain: Chain, names: messages.Names
) -> int:
    """Refresh the parent's status line; "asking why #n" waits a moment to absorb a burst.

    chat.update is rate limited per workspace (Tier 3), and a lively thread changes the why
    number faster than anyone reads it: the refreshes wait their turn, one thread's coalesced
    into one; a closed chain is news and goes out at once.
    """
    parent = messages.build_parent(coe_id_of(coe), coe.facilitator_id, chain, names)
    urgent = chain.status is core.Status.CHAIN_DONE
    return outbox.enqueue(
        session=session,
        method="chat.update",
        payload={"channel": coe.channel_id, "ts": coe.parent_ts, **parent},
        now=rt.now(),
        coalesce_key=f"coe-parent:{coe.id}",
        not_before=None if urgent else rt.now() + PARENT_UPDATE_DELAY,
        apart=None if urgent else PARENT_UPDATES_APART,
    )


def transact(rt: Runtime, apply: Callable[[Session], list[int]], attempts: int = 5) -> list[int]:
    """Run `apply` in a transaction, again from scratch when another transition won the race.

    The due messages it queued are taken for sending in the same transaction (`deliver`).
    """
    for attempt in range(attempts):
        with Session(rt.engine) as session:
            try:
                ids = delivery.take_for_sending(rt, session, apply(session))
                session.commit()
                return ids
            except coes.ConcurrentChange:
                session.rollback()
                if attempt == attempts - 1:
                    raise
    return []


def reload(session: Session, coe_id: int) -> Coe:
    coe = coes.get_coe(session=session, coe_id=coe_id)
    assert coe is not None
    return coe


def coe_id_of(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
