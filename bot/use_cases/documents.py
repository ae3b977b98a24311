"""Use cases of the COE document: build it from what was recorded, export it, find related COEs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.core import document, similarity, visibility
from bot.core import facilitation as core
from bot.core.facilitation import Chain, Step
from bot.core.review_text import coe_key, status_line
from bot.core.slack_text import mentioned_ids
from bot.runtime.context import Runtime
from bot.use_cases import users
from bot.use_cases.thread_links import thread_links
from storage import action_items, channels, coes, related
from storage import users as user_cache
from storage.models import ActionItem, Coe, CoeNote


@dataclass(frozen=True)
class ForUpload:
    """The document as it stands, and the thread it goes to."""

    channel_id: str
    thread_ts: str | None
    problem: str
    markdown: str


def build(session: Session, *, coe: Coe, everywhere: bool = False) -> document.CoeDocument:
    """The COE as recorded so far, as the document's content; related COEs as in
    `similar_causes`."""
    coe_id = _id(coe)
    chain = coes.load_chain(session=session, coe=coe)
    labels = core.tree_labels(chain)
    items = action_items.list_items(session=session, coe_id=coe_id)
    notes = coes.notes(session=session, coe_id=coe_id)
    participants = [step.author for step in chain.answered if step.author]
    participants += [note.author_id for note in notes]
    return document.CoeDocument(
        key=coe_key(coe_id),
        problem=coe.problem,
        status=status_text(coe, chain),
        facilitator_id=coe.facilitator_id,
        participant_ids=tuple(dict.fromkeys(participants)),
        started_at=coe.created_at,
        chain_closed_at=coe.ended_at,
        impact=tuple(note.text for note in notes if note.kind == "impact"),
        causes=_causes(chain, None, labels),
        items=tuple(
            document.Item(
                description=item.text,
                owner_id=item.owner_id,
                due=item.due,
                status=item.status,
                kind=item.kind,
                priority=item.priority,
                why_label=labels.get(item.why_number) if item.why_number else None,
            )
            for item in items
        ),
        lessons=tuple(note.text for note in notes if note.kind == "lesson"),
        thread_link=coe.permalink,
        related=tuple(similar_causes(session, coe=coe, chain=chain, everywhere=everywhere)),
        names=user_cache.names(session=session, user_ids=_people(coe, chain, items, notes)),
    )


def status_text(coe: Coe, chain: Chain) -> str:
    if coe.closed_at is not None:
        return "closed"
    return status_line(chain)


def _causes(chain: Chain, parent: int | None, labels: dict[int, str]) -> tuple[document.Cause, ...]:
    return tuple(
        document.Cause(
            label=labels[step.number],
            question=core.question_text(step),
            answer=step.answer or "",
            author_id=step.author or "",
            human_error=step.human_error,
            mechanism_question=_follow_up(chain, step),
            children=_causes(chain, step.number, labels),
        )
        for step in chain.children(parent)
        if step.answer is not None
    )


def _follow_up(chain: Chain, step: Step) -> str | None:
    if not step.human_error:
        return None
    asked = [child.question for child in chain.children(step.number) if child.question]
    return asked[0] if asked else core.next_question(chain, step).question


def markdown(session: Session, *, coe: Coe, everywhere: bool = False) -> str:
    return document.render_markdown(build(session, coe=coe, everywhere=everywhere))


def export(rt: Runtime, coe_id: int) -> str | None:
    """The COE as Markdown, for the command line, an operator's tool: related COEs of every
    channel. None when there is no such COE."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        if coe is None or coe.status == core.Status.STARTING:
            return None
        return markdown(session, coe=coe, everywhere=True)


def queue_upload(rt: Runtime, session: Session, *, coe: Coe, user_id: str) -> list[int]:
    """Queue the document's upload to the COE's thread, in the caller's transaction.

    The file is written when it is sent (from `for_upload`): by then the names of everyone in
    it can be looked up in Slack, which a transaction must not wait for.
    """
    return [rt.say(session).upload_document(coe_id=_id(coe), user_id=user_id)]


def for_upload(rt: Runtime, coe_id: int) -> ForUpload:
    """The COE's document as it stands now, with everyone it names looked up; calls Slack, so
    no transaction may be open."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        chain = coes.load_chain(session=session, coe=coe)
        items = action_items.list_items(session=session, coe_id=coe_id)
        notes = coes.notes(session=session, coe_id=coe_id)
        people = set(_people(coe, chain, items, notes))
    users.learn_names(rt, people)
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        return ForUpload(coe.channel_id, coe.parent_ts, coe.problem, markdown(session, coe=coe))


def _people(
    coe: Coe, chain: Chain, items: Sequence[ActionItem], notes: Sequence[CoeNote]
) -> list[str]:
    """Everyone the document names: facilitator, authors, owners, and people mentioned."""
    texts = [
        coe.problem,
        *(step.answer or "" for step in chain.steps),
        *(step.question or "" for step in chain.steps),
        *(item.text for item in items),
        *(note.text for note in notes),
    ]
    return [
        coe.facilitator_id,
        *(step.author for step in chain.answered if step.author),
        *(item.owner_id for item in items),
        *(note.author_id for note in notes),
        *mentioned_ids(texts),
    ]


def similar_causes(
    session: Session, *, coe: Coe, chain: Chain, everywhere: bool = False
) -> list[document.Related]:
    """Up to three earlier COEs whose recorded causes resemble this one's: key, cause, link.

    Only COEs everyone who reads this COE's channel may read (its own channel's, and those of
    public channels unless the channel is shared with another organisation); `everywhere`, of
    every channel, for the operator's command line.
    """
    causes = [step.answer for step in chain.answered if step.answer]
    if not causes:
        return []
    if everywhere:
        past = coes.past_causes(session=session, before_coe_id=_id(coe))
    else:
        into = channels.facts(session=session, channel_ids=[coe.channel_id]).get(coe.channel_id)
        past = related.past_causes(
            session=session,
            before_coe_id=_id(coe),
            channel_id=coe.channel_id,
            public_too=visibility.names_other_channels(into),
        )
    found = similarity.similar_coes(
        causes, [similarity.PastCoe(coe_id, tuple(texts)) for coe_id, texts in past.items()]
    )
    links = thread_links(session, [match.coe_id for match in found])
    return [
        document.Related(coe_key(match.coe_id), match.cause, links.get(match.coe_id))
        for match in found
    ]


def _id(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
