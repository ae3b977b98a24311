"""Use cases of the COE document: build it from what was recorded, export it, find related COEs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo

from sqlmodel import Session

from bot.core import document, questions, similarity, timeline, visibility
from bot.core import facilitation as core
from bot.core.facilitation import Chain, Step
from bot.core.mechanisms import is_weak_action
from bot.core.review_text import TERMINAL_CHANNEL, coe_key, status_line, thread_link
from bot.core.slack_text import clip, mentioned_ids
from bot.use_cases import users
from bot.use_cases.context import Context
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


def build(
    session: Session, *, coe: Coe, zone: tzinfo = UTC, everywhere: bool = False
) -> document.CoeDocument:
    """The COE as recorded so far, as the document's content; the team's timeline lines are
    read in `zone`, and related COEs shown as in `similar_causes`."""
    coe_id = _id(coe)
    chain = coes.load_chain(session=session, coe=coe)
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
        causes=_causes(chain, None),
        items=tuple(
            document.Item(
                description=item.text,
                owner_id=item.owner_id,
                due=item.due,
                status=item.status,
                kind=item.kind,
                priority=item.priority,
                why_number=item.why_number,
                weak=is_weak_action(item.text),
                snoozed_until=item.snoozed_until if item.status == "open" else None,
            )
            for item in items
        ),
        lessons=tuple(note.text for note in notes if note.kind == "lesson"),
        thread_link=None if in_terminal(coe) else coe.permalink or _thread_link(coe),
        related=tuple(similar_causes(session, coe=coe, chain=chain, everywhere=everywhere)),
        names=user_cache.names(session=session, user_ids=_people(coe, chain, items, notes)),
        timeline=tuple(_timeline(session, coe, chain, items, notes, zone)),
        in_terminal=in_terminal(coe),
    )


def in_terminal(coe: Coe) -> bool:
    """Whether the COE was held with `coe-bot try`, in a terminal, not in Slack."""
    return coe.channel_id == TERMINAL_CHANNEL


def status_text(coe: Coe, chain: Chain) -> str:
    if coe.closed_at is not None:
        return "closed"
    return status_line(chain)


def _thread_link(coe: Coe) -> str | None:
    return thread_link(coe.channel_id, coe.parent_ts, None)


def _causes(chain: Chain, parent: int | None) -> tuple[document.Cause, ...]:
    return tuple(
        document.Cause(
            number=step.number,
            question=questions.question_text(step),
            answer=step.answer or "",
            author_id=step.author or "",
            human_error=step.human_error,
            mechanism_question=_follow_up(chain, step),
            children=_causes(chain, step.number),
            branch=step.question if step.parent is None and step.question else None,
        )
        for step in sorted(chain.children(parent), key=lambda s: s.number)
        if step.answer is not None
    )


def _follow_up(chain: Chain, step: Step) -> str | None:
    if not step.human_error:
        return None
    asked = [child.question for child in chain.children(step.number) if child.question]
    return asked[0] if asked else core.next_question(chain, step).question


def _timeline(
    session: Session,
    coe: Coe,
    chain: Chain,
    items: Sequence[ActionItem],
    notes: Sequence[CoeNote],
    zone: tzinfo,
) -> Iterator[document.Moment]:
    """What happened when: the COE's own record, and the team's `timeline:` lines."""
    yield document.Moment(coe.created_at, f"COE started by <@{coe.facilitator_id}>")
    answered = coes.answer_times(session=session, coe_id=_id(coe))
    for step in core.walk(chain):
        if step.number in answered:
            quote = clip(" ".join((step.answer or "").split()), 100)
            yield document.Moment(
                answered[step.number], f"Why #{step.number} answered by <@{step.author}>: “{quote}”"
            )
    if coe.ended_at is not None:
        yield document.Moment(coe.ended_at, "Chain of whys complete")
    numbers = {item.id: number for number, item in enumerate(items, start=1)}
    for change in action_items.coe_changes(session=session, coe_id=_id(coe)):
        what = _ITEM_CHANGES.get(change.change)
        if what is not None and change.item_id in numbers:
            detail = f": {change.detail}" if change.change == "dropped" and change.detail else ""
            yield document.Moment(
                change.at, f"Action item {numbers[change.item_id]} {what}{detail}"
            )
    day = coe.created_at.astimezone(zone).date()
    for note in notes:
        if note.kind == "timeline":
            yield timeline.read_line(note.text, day, zone)


# The changes of an item the timeline shows, as it says them.
_ITEM_CHANGES = {"created": "added", "done": "done", "dropped": "dropped"}


def markdown(session: Session, *, coe: Coe, zone: tzinfo = UTC, everywhere: bool = False) -> str:
    return document.render_markdown(build(session, coe=coe, zone=zone, everywhere=everywhere))


def export(rt: Context, coe_id: int) -> str | None:
    """The COE as Markdown, for the command line, an operator's tool: related COEs of every
    channel. None when there is no such COE."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        if coe is None or coe.status == core.Status.STARTING:
            return None
        return markdown(session, coe=coe, zone=rt.settings.timezone, everywhere=True)


def queue_upload(rt: Context, session: Session, *, coe: Coe, user_id: str) -> list[int]:
    """Queue the document's upload to the COE's thread, in the caller's transaction.

    The file is written when it is sent (from `for_upload`): by then the names of everyone in
    it can be looked up in Slack, which a transaction must not wait for.
    """
    return [rt.say(session).upload_document(coe_id=_id(coe), user_id=user_id)]


def for_upload(rt: Context, coe_id: int) -> ForUpload:
    """The COE's document as it stands now, with everyone it names looked up; calls Slack, so
    no transaction may be open."""
    coe, doc = looked_up(rt, coe_id)
    return ForUpload(coe.channel_id, coe.parent_ts, coe.problem, document.render_markdown(doc))


def looked_up(rt: Context, coe_id: int) -> tuple[Coe, document.CoeDocument]:
    """The COE and its document's content as they stand now, with everyone it names looked up
    in Slack first; so no transaction may be open."""
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
        return coe, build(session, coe=coe, zone=rt.settings.timezone)


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


def unaddressed_root_causes(session: Session, *, coe: Coe, chain: Chain) -> list[Step]:
    """The root causes of the tree that no action item (open or done) addresses yet."""
    addressed = {
        item.why_number
        for item in action_items.list_items(session=session, coe_id=_id(coe))
        if item.status != "dropped"
    }
    return [step for step in core.root_causes(chain) if step.number not in addressed]


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
