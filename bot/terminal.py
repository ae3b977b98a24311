"""`coe-bot try`: the same facilitation in a terminal, for trying the bot without Slack.

Reads lines from standard input (a person typing, or a pipe), answers on standard output, and
keeps the COE in the database like one held in Slack, so `coe-bot list` and `export` see it.
After the chain of whys it goes on taking action items, impact, lessons and timeline lines until
`quit` or the end of the input, then prints the document. Every line gets an answer: what it
recorded, or why it recorded nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlmodel import Session

from bot.core import action_items as items
from bot.core import facilitation as core
from bot.core import questions, replies
from bot.core.action_items import ActionItemError, Person
from bot.core.angles import ANGLE_QUESTIONS
from bot.core.dates import format_day
from bot.core.facilitation import Chain, FacilitationError, Status
from bot.core.mechanisms import WEAK_ACTION_ADVICE, is_weak_action
from bot.core.review_text import (
    NO_NAMES,
    TERMINAL_CHANNEL,
    asks_anew,
    new_causes,
    prompt_lead,
    took_back,
)
from bot.runtime.context import Runtime
from bot.use_cases import documents, pictures
from storage import action_items, coes

HELP = (
    "Answer each why in a line of its own. Also: `// aside`, `why: <question>` (`#2 why:` about "
    "answer #2, `#0 why:` about the problem), `also: <cause>`, `#2 also: <cause>`, `undo`, "
    "`answer: <text>`, `action: <what> [@someone] [due <date>]`, `due <date>`, `impact: …`, "
    "`lesson: …`, `timeline: <time> <what happened>`, `export`, `done` when this branch has no "
    "more whys, and `quit` to finish."
)
QUIT = frozenset({"quit", "exit", "q", ":q"})
CONVERSATION = "(conversation, not an answer)"
DONE_ALREADY = (
    "(not recorded: the chain of whys is complete. `undo` reopens it; `action:`, `impact:`, "
    "`lesson:` and `timeline:` lines are still kept, and `quit` ends the review.)"
)


@dataclass
class Review:
    """Where one terminal review stands: its COE row id and a clock of message ts."""

    coe_id: int
    user: str
    ticks: int = 0

    def ts(self) -> str:
        """A Slack-like ts for each line, in order, so the core reads them as Slack's."""
        self.ticks += 1
        return f"{self.coe_id}.{self.ticks:06d}"


def run(
    rt: Runtime,
    lines: TextIO,
    out: Callable[[str], None],
    user: str,
    prompt: Callable[[str], None] | None = None,
) -> int:
    """Facilitate one review from `lines`; prints the document at the end.

    `prompt` writes the prompt without ending the line, so that a person types after it; with
    none (a pipe), there is no prompt.
    """
    reader = _lines(lines, prompt)
    out("What went wrong? Describe the problem in one line.")
    problem = next(reader, "").strip()
    if not problem:
        out("No problem statement, so there is nothing to review.")
        return 1
    review = _open(rt, problem, user)
    out(f"COE-{review.coe_id}: {problem}\n{HELP}")
    chain = _save(rt, review, core.start(problem))
    _announce(out, Chain(problem, Status.STARTING, ()), chain)
    for line in reader:
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT:
            break
        chain = _take(rt, review, chain, text, out)
    out(_picture(rt, review))
    out(_document(rt, review))
    return 0


def _lines(stream: TextIO, prompt: Callable[[str], None] | None) -> Iterator[str]:
    while True:
        if prompt is not None:
            prompt("> ")
        line = stream.readline()
        if not line:
            return
        yield line.rstrip("\n")


def _take(
    rt: Runtime, review: Review, chain: Chain, text: str, out: Callable[[str], None]
) -> Chain:
    """One line of the review: what it changes, and what the terminal says about it."""
    if chain.status is Status.OFFERING and text.isdigit():
        return _pick_angle(rt, review, chain, text, out)
    reply = replies.read_reply(text)
    ts = review.ts()
    try:
        match reply:
            case None:
                out(CONVERSATION)
            case replies.Aside():
                out("(an aside, not an answer)")
            case replies.Note(kind, note):
                _note(rt, review, kind, note, ts)
                out("Added to the timeline." if kind == "timeline" else f"Kept as {kind}.")
            case replies.ActionRequest() as request:
                _action(rt, review, chain, request, ts, out)
            case replies.DueDate(phrase):
                _date(rt, review, phrase, out)
            case replies.Export():
                out(_document(rt, review))
            case replies.Answer() if chain.status is Status.OFFERING:
                return _pick_angle(rt, review, chain, text, out)
            case replies.Answer() if chain.status is Status.CHAIN_DONE:
                out(DONE_ALREADY)
            case _:
                new = core.apply(chain, reply, review.user, ts)
                if new is None:
                    out(CONVERSATION)
                    return chain
                saved = _save(rt, review, new)
                _announce(out, chain, saved)
                return saved
    except (FacilitationError, ActionItemError) as error:
        out(str(error))
    return chain


def _announce(out: Callable[[str], None], before: Chain, after: Chain) -> None:
    """What the thread would see of a transition, as lines of text."""
    if after.status is Status.CHAIN_DONE and before.status is not Status.CHAIN_DONE:
        _summary(out, after)
    elif after.status is Status.OFFERING:
        angles = core.missing_angles(after)
        out("Before we close the chain, nothing so far covers these angles:")
        for number, angle in enumerate(angles, start=1):
            out(f"  {number}. {ANGLE_QUESTIONS[angle]}")
        out("Type a number to explore one, or `done` to finish.")
    elif asks_anew(before, after) and after.open_step is not None:
        lead = prompt_lead(before, after, NO_NAMES)
        if lead:
            out(lead)
        asked = questions.asked(after.open_step)
        out(f"Why #{after.open_step.number}: {asked.text}")
        if asked.quote:
            out(f"  > {asked.quote}")
    else:
        for step in new_causes(before, after):
            out(
                f"Recorded “{step.answer}” (#{step.number}) as another cause; I'll come back to it."
            )
        if len(after.answered) < len(before.answered):
            gone = {s.answer_ts for s in before.answered} - {s.answer_ts for s in after.answered}
            out(took_back(next(s.answer or "" for s in before.answered if s.answer_ts in gone)))


def _summary(out: Callable[[str], None], chain: Chain) -> None:
    whys = "1 why" if len(chain.answered) == 1 else f"{len(chain.answered)} whys"
    out(f"The chain of whys is complete ({whys}):")
    for step in core.walk(chain):
        mark = "  ⚠ stops at a person" if step.human_error else ""
        out(f"{'  ' * (core.depth(chain, step) + 1)}#{step.number} {step.answer}{mark}")
    out(
        "Now, what mechanisms would stop this from happening again, or limit its impact? "
        "Add them with `action: <what> [@someone] [due <date>]` (`action #3: …` for a root "
        "cause); `impact:`, `lesson:` and `timeline:` lines go into the document; `quit` prints it."
    )


def _open(rt: Runtime, problem: str, user: str) -> Review:
    with Session(rt.engine) as session:
        coe = coes.create_coe(
            session=session,
            team_id="",
            channel_id=TERMINAL_CHANNEL,
            problem=problem,
            facilitator_id=user,
            now=rt.now(),
        )
        coe_id = coe.id
        assert coe_id is not None
        # A thread of its own: the terminal review's id stands in for Slack's parent ts.
        coes.mark_started(session=session, coe=coe, parent_ts=f"terminal-{coe_id}")
        session.commit()
    return Review(coe_id, user)


def _save(rt: Runtime, review: Review, chain: Chain) -> Chain:
    """Store the chain; its open why counts as asked now, so the next line answers it."""
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=review.coe_id, lock=True)
        assert coe is not None
        rows = coes.save_chain(session=session, coe=coe, chain=chain, now=rt.now())
        step = chain.open_step
        if step is not None and rows[step.number].prompt_ts is None:
            coes.set_prompt_ts(session=session, step_id=rows[step.number].id, ts=review.ts())
        session.commit()
        coe = coes.get_coe(session=session, coe_id=review.coe_id)
        assert coe is not None
        return coes.load_chain(session=session, coe=coe)


def _pick_angle(
    rt: Runtime, review: Review, chain: Chain, line: str, out: Callable[[str], None]
) -> Chain:
    angles = core.missing_angles(chain)
    if not line.isdigit() or not 1 <= int(line) <= len(angles):
        out(f"Type a number from 1 to {len(angles)}, or `done`.")
        return chain
    new = _save(rt, review, core.ask_angle(chain, angles[int(line) - 1]))
    _announce(out, chain, new)
    return new


def _note(rt: Runtime, review: Review, kind: str, text: str, ts: str) -> None:
    with Session(rt.engine) as session:
        coes.add_note(
            session=session,
            coe_id=review.coe_id,
            kind=kind,
            text=text,
            author_id=review.user,
            source_ts=ts,
            now=rt.now(),
        )
        session.commit()


def _action(
    rt: Runtime,
    review: Review,
    chain: Chain,
    request: replies.ActionRequest,
    ts: str,
    out: Callable[[str], None],
) -> None:
    draft = items.parse_action(request.text)
    owner = Person(draft.owner_id or review.user, str(rt.settings.timezone))
    item = items.plan_item(draft, request.why_number, owner, chain, rt.now())
    with Session(rt.engine) as session:
        action_items.create_item(
            session=session,
            coe_id=review.coe_id,
            item=item,
            created_by=review.user,
            now=rt.now(),
            source_ts=ts,
        )
        session.commit()
    due = f"due {format_day(item.due)}" if item.due else "no due date yet (`due <date>` sets one)"
    out(f"Action item for #{item.why.number}: “{item.description}”, {due}.")
    if is_weak_action(item.description):
        out(WEAK_ACTION_ADVICE)


def _date(rt: Runtime, review: Review, phrase: str, out: Callable[[str], None]) -> None:
    with Session(rt.engine) as session:
        item = action_items.latest_undated(
            session=session, coe_id=review.coe_id, created_by=review.user
        )
        if item is None:
            out("(not recorded: there is no action item without a due date to give this date)")
            return
        due = items.due_for(phrase, rt.now().astimezone(rt.settings.timezone).date())
        action_items.set_due(
            session=session, item=item, due=due, actor_id=review.user, now=rt.now()
        )
        session.commit()
        out(f"“{item.text}” is now due {format_day(due)}.")


def _picture(rt: Runtime, review: Review) -> str:
    """Draw the tree of causes into a file in the current directory; the line that says where."""
    png = pictures.export(rt, review.coe_id)
    if png is None:
        return "No why was asked, so there is no tree of causes to draw."
    path = Path(pictures.filename(review.coe_id)).resolve()
    path.write_bytes(png)
    return f"The tree of causes as a picture: {path}"


def _document(rt: Runtime, review: Review) -> str:
    with Session(rt.engine) as session:
        coe = coes.get_coe(session=session, coe_id=review.coe_id)
        assert coe is not None
        # Run by whoever runs the bot, on its own database: every channel's COEs are theirs.
        return documents.markdown(session, coe=coe, zone=rt.settings.timezone, everywhere=True)
