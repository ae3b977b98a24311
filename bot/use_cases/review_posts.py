"""What the thread sees of a review's transitions: the next why, second causes, the offered
angles, the tree of causes, reactions on answers and the parent's status line."""

from __future__ import annotations

from sqlmodel import Session

from bot.core import facilitation as core
from bot.core.facilitation import Chain
from bot.core.review_text import NO_NAMES, Names, asks_anew, new_causes, prompt_lead
from bot.use_cases import canvases, documents, pictures, users
from bot.use_cases.context import Context
from storage import coes
from storage.models import Coe


def save_and_announce(
    rt: Context,
    session: Session,
    coe: Coe,
    before: Chain,
    after: Chain,
    message_deleted: bool = False,
) -> list[int]:
    """Store the transition and queue what the thread should see of it."""
    rows = coes.save_chain(session=session, coe=coe, chain=after, now=rt.now())
    say, names = rt.say(session), names_for(session, after)
    ids = _answer_reactions(rt, session, coe, before, after, message_deleted)
    if after.status is core.Status.CHAIN_DONE:
        related = documents.similar_causes(session, coe=coe, chain=after)
        unaddressed = documents.unaddressed_root_causes(session, coe=coe, chain=after)
        link = canvases.links(session, [coe_id_of(coe)]).get(coe_id_of(coe))
        summary = say.post_chain(coe, after, related, names, unaddressed, canvas_link=link)
        # The picture and the canvas follow the summary's first message: the later ones, if
        # any, are taken for sending only once that one is out.
        ids += [*summary, pictures.queue(rt, session, coe=coe, after=summary[:1])]
        ids += canvases.open_canvas(rt, session, coe=coe, origin=canvases.CHAIN, after=summary[:1])
    elif after.status is core.Status.OFFERING:
        ids.append(say.offer_angles(coe, core.missing_angles(after)))
    elif asks_anew(before, after):
        lead = prompt_lead(before, after, names)
        ids.append(enqueue_prompt(rt, session, coe, after, rows, lead, names))
    else:
        ids += [say.second_cause(coe, after, step, names) for step in new_causes(before, after)]
    if after.status is not core.Status.CHAIN_DONE:
        # An answer after a reopen, an undo: the canvas, if there is one, follows.
        ids += canvases.changed(rt, session, coe_id=coe_id_of(coe))
    parent = say.refresh_parent(coe, after, names)
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


def _answer_reactions(
    rt: Context, session: Session, coe: Coe, before: Chain, after: Chain, message_deleted: bool
) -> list[int]:
    """A mark on each message taken as an answer, taken off when the answer is taken back."""
    old = {s.answer_ts for s in before.answered if s.answer_ts}
    new = {s.answer_ts for s in after.answered if s.answer_ts}
    ids = [reaction(rt, session, coe, ts) for ts in sorted(new - old)]
    if not message_deleted:
        ids += [reaction(rt, session, coe, ts, remove=True) for ts in sorted(old - new)]
    return ids


def reaction(rt: Context, session: Session, coe: Coe, ts: str, remove: bool = False) -> int:
    return rt.say(session).mark_answer(coe, ts, remove=remove)


def enqueue_prompt(
    rt: Context,
    session: Session,
    coe: Coe,
    chain: Chain,
    rows: dict[int, coes.StepRow],
    lead: str | None = None,
    names: Names = NO_NAMES,
) -> int:
    step = chain.open_step
    assert step is not None
    # The help line goes with the first question only.
    first = not chain.answered and step.number == 1
    return rt.say(session).ask_why(
        coe, step, step_id=rows[step.number].id, lead=lead, with_help=first, names=names
    )


def thread_notice(rt: Context, session: Session, coe: Coe, text: str) -> int:
    return rt.say(session).note(coe, text)


def reload(session: Session, coe_id: int) -> Coe:
    coe = coes.get_coe(session=session, coe_id=coe_id)
    assert coe is not None
    return coe


def coe_id_of(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
