"""How a review is named and quoted in plain words: its key, its status, answers taken back.

Plain text with Slack's mrkdwn at most; Block Kit is built from it in `bot/slack`.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.core import angles, blame
from bot.core.facilitation import Chain, Status, Step
from bot.core.slack_text import clip, neutralize

Names = Mapping[str, str]
NO_NAMES: Names = {}

# Quotes of answers in prompts are clipped; the full text stays stored and goes into the document.
QUOTE_LIMIT = 500
# A quote in a line before a question: short, the question is what matters.
QUOTE = 150
# The channel of a COE held in a terminal (`coe-bot try`): it has no Slack thread.
TERMINAL_CHANNEL = "terminal"


def coe_key(coe_id: int) -> str:
    return f"COE-{coe_id}"


def status_line(chain: Chain) -> str:
    if chain.status is Status.CHAIN_DONE:
        return f"chain complete ({len(chain.answered)} whys), collecting action items"
    if chain.status is Status.OFFERING:
        return f"out of ideas after {len(chain.answered)} whys, other angles offered"
    step = chain.open_step
    return f"asking why #{step.number}" if step else "starting"


def short(text: str, limit: int = QUOTE_LIMIT, names: Names = NO_NAMES) -> str:
    """User text quoted by the bot: clipped, and no longer able to notify anyone."""
    return neutralize(clip(text, limit), names)


def took_back(answer: str, names: Names = NO_NAMES) -> str:
    return f"Took back “{short(answer, names=names)}”."


def back_to(step: Step, names: Names = NO_NAMES) -> str:
    return f"Back to #{step.number}, “{short(step.answer or '', QUOTE, names)}”."


def hangs_under(step: Step, names: Names = NO_NAMES) -> str:
    """Where a question the team asked about an earlier answer hangs in the tree."""
    return f"This one is about #{step.number}, “{short(step.answer or '', QUOTE, names)}”."


def hangs_under_problem() -> str:
    return "This one is about the problem itself, a new branch."


def thread_link(channel_id: str, parent_ts: str | None, permalink: str | None) -> str | None:
    """The link to a COE's thread: Slack's permalink, else one made from the parent's ts.

    None while the parent message is not posted, and for a COE held in a terminal.
    """
    if permalink:
        return permalink
    if not parent_ts or channel_id == TERMINAL_CHANNEL:
        return None
    return f"https://slack.com/archives/{channel_id}/p{parent_ts.replace('.', '')}"


# What a transition says ---------------------------------------------------------------


def asks_anew(before: Chain, after: Chain) -> bool:
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


def prompt_lead(before: Chain, after: Chain, names: Names) -> str | None:
    """A line before the question: an answer taken back, or a branch the bot goes back to."""
    if len(after.answered) < len(before.answered):
        taken = {s.answer_ts for s in before.answered} - {s.answer_ts for s in after.answered}
        gone = next(s for s in before.answered if s.answer_ts in taken)
        return took_back(gone.answer or "", names)
    old, new = before.open_step, after.open_step
    if new is None:
        return None
    answered_now = {step.number for step in new_causes(before, after)}
    asked_by_team = new.question is not None and not new.question.startswith(_BOTS_OWN)
    if asked_by_team and (old is None or new.number != old.number):
        # `#n why:` or `#0 why:`: where the team's question hangs, when not under the latest.
        latest = before.latest_answer
        if new.parent is None:
            return hangs_under_problem() if latest is not None else None
        about = after.step(new.parent)
        if about is not None and (latest is None or about.number != latest.number):
            return hangs_under(about, names)
        return None
    if old and new.parent is not None and new.parent not in (old.parent, *answered_now):
        about = after.step(new.parent)
        return back_to(about, names) if about else None
    return None


# The bot's own questions (after a blame answer, or an offered angle) are not the team's.
_BOTS_OWN = tuple(template.split("{", 1)[0] for template in blame.MECHANISM_QUESTIONS) + tuple(
    angles.ANGLE_QUESTIONS.values()
)


def new_causes(before: Chain, after: Chain) -> list[Step]:
    known = {step.answer_ts for step in before.answered}
    return [step for step in after.answered if step.answer_ts not in known]
