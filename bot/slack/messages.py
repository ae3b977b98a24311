"""Block Kit for the 5-Whys session: pure `build_*` functions, each with a plain-text fallback."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from bot.core import facilitation as core
from bot.core import questions
from bot.core.angles import ANGLE_QUESTIONS, Angle
from bot.core.chatter import ASIDE_PREFIX
from bot.core.facilitation import Chain, Step
from bot.core.review_text import (
    NO_NAMES,
    QUOTE_LIMIT,
    Names,
    coe_key,
    short,
    status_line,
)
from bot.core.slack_text import neutralize, plain
from bot.slack.blocks import button, chunks, clip, context, header, mrkdwn, section

Message = dict[str, Any]


class ActionId(StrEnum):
    """Shared by the builders that put a button on a message and the listeners that handle it."""

    END_CHAIN = "coe_end_chain"
    ADD_ACTION_ITEM = "coe_add_action_item"
    ITEM_DONE = "coe_item_done"
    ITEM_SNOOZE = "coe_item_snooze"
    ITEM_DROP = "coe_item_drop"
    ASK_ANGLE = "coe_ask_angle"
    FINISH_CHAIN = "coe_finish_chain"
    EXPORT = "coe_export"
    ITEM_DUE = "coe_item_due"  # the date picker on an item recorded without a due date


# The mark on each thread message the bot took as an answer (or an impact or lesson line).
RECORDED_REACTION = "ballot_box_with_check"
# Slack takes about 12,000 characters of block text in one message; leave room for the rest.
MESSAGE_TEXT_BUDGET = 10_000
# An actions block takes 25 buttons: one per root cause, and the two for the whole COE.
ROOT_CAUSE_BUTTONS = 23


HELP_LINE = (
    f"Reply in this thread to answer. Start with `{ASIDE_PREFIX}` for an aside that is not an "
    "answer. `why: <question>` asks your own why (`#2 why:` about answer #2, `#0 why:` about "
    "the problem), `also: <cause>` adds a second cause, `undo` or a :x: on an answer takes it "
    'back. Say `done` (or "we\'re out of ideas") when this branch has no more whys. '
    "`action: <what> @owner due <date>` records an action item. `/coe help` shows the rest."
)


def build_parent(
    coe_id: int, facilitator_id: str, chain: Chain, names: Names = NO_NAMES
) -> Message:
    """The channel message that anchors the COE thread."""
    key, status = coe_key(coe_id), status_line(chain)
    problem = short(chain.problem, names=names)
    return {
        "text": f"{key}: {problem} (facilitator <@{facilitator_id}>, status: {status})",
        "blocks": [
            header(plain(chain.problem, names)),
            {
                "type": "section",
                "fields": [
                    mrkdwn(f"*Facilitator*\n<@{facilitator_id}>"),
                    mrkdwn(f"*Status*\n{status}"),
                ],
            },
            context(f"{key} · Correction of Error review · we look for mechanisms, not blame"),
        ],
    }


def prompt_question(step: Step, names: Names = NO_NAMES) -> tuple[str, str | None]:
    """The numbered question, and the answer it asks about when the question does not say it
    in its own words; each safe to post."""
    asked = questions.asked(step)
    question = neutralize(f"Why #{step.number}: {clip(asked.text, QUOTE_LIMIT)}", names)
    quote = neutralize(" ".join(asked.quote.split()), names) if asked.quote else None
    return question, quote


def prompt_text(step: Step, names: Names = NO_NAMES) -> str:
    """The question as one line of plain text: the message's fallback and notification."""
    question, quote = prompt_question(step, names)
    return f"{question} “{quote}”" if quote else question


def build_why_prompt(
    coe_id: int,
    step: Step,
    lead: str | None = None,
    with_help: bool = False,
    names: Names = NO_NAMES,
) -> Message:
    """Ask the open why; `lead` is a line before it (an answer taken back, a branch revisited).

    The help line goes with the first question only: later ones are the question and the button.
    """
    question, quote = prompt_question(step, names)
    lead = f"{lead} " if lead else ""
    shown = f"{lead}*{question}*" + (f"\n>{quote}" if quote else "")
    blocks: list[dict[str, Any]] = [section(clip(shown))]
    if with_help:
        blocks.append(context(HELP_LINE))
    blocks.append(
        {
            "type": "actions",
            "elements": [button("We're out of ideas", ActionId.END_CHAIN, str(coe_id))],
        }
    )
    return {"text": clip(lead + prompt_text(step, names)), "blocks": blocks}


def build_second_cause(coe_id: int, chain: Chain, step: Step, names: Names = NO_NAMES) -> Message:
    """One line: a second answer to the same why is a cause of its own, explored later."""
    sibling = next(
        (s for s in chain.answered if s.parent == step.parent and s.number != step.number),
        None,
    )
    beside = (
        f" beside “{short(sibling.answer or '', 200, names)}” (#{sibling.number})"
        if sibling
        else ""
    )
    return build_notice(
        f"Recorded “{short(step.answer or '', 300, names)}” (#{step.number}) as another "
        f"cause{beside}. "
        "I'll follow this branch first and come back to it."
    )


def build_angle_offer(coe_id: int, angles: list[Angle]) -> Message:
    """The angles of the incident the tree does not cover yet, a button each."""
    intro = (
        "Before we close the chain: nothing recorded so far says "
        + ", ".join(f"_{ANGLE_QUESTIONS[angle].lower().rstrip('?')}_" for angle in angles)
        + ". Want to look at one of these? (Say `done` again, or press the last button, if not.)"
    )
    elements = [
        button(ANGLE_QUESTIONS[angle], ActionId.ASK_ANGLE, f"{coe_id}:{angle.value}")
        for angle in angles
    ]
    elements.append(button("No, we're done", ActionId.FINISH_CHAIN, str(coe_id)))
    return {"text": intro, "blocks": [section(intro), {"type": "actions", "elements": elements}]}


def chain_lines(chain: Chain, names: Names = NO_NAMES) -> list[str]:
    """The tree, each answer once under what it answers: its number, the question when it is
    not the one made from the answer above, the answer and its author; a human-error step says
    so. The tree's shape shows by indentation."""
    lines = []
    for step in core.walk(chain):
        indent = "    " * min(core.depth(chain, step), 8)
        asked = f"_{short(step.question, 300, names)}_ → " if step.question else ""
        line = (
            f"{indent}*#{step.number}* {asked}{short(step.answer or '', names=names)} "
            f"(<@{step.author}>)"
        )
        if step.human_error:
            line += "\n" + indent + "    ⚠️ _stops at a person: we asked for the mechanism_"
        lines.append(line)
    return lines


def build_chain_summary(
    coe_id: int,
    chain: Chain,
    related: list[tuple[str, str, str | None]] | None = None,
    names: Names = NO_NAMES,
    unaddressed: Sequence[Step] = (),
) -> list[Message]:
    """The recorded tree of causes, posted when the team has run out of ideas, with the root
    causes no action item addresses yet.

    Split over several messages when long; the buttons go on the last one.
    """
    lines = chain_lines(chain, names)
    whys = "1 why" if len(lines) == 1 else f"{len(lines)} whys"
    intro = f"*{coe_key(coe_id)}: the chain of whys ({whys})*"
    invite = (
        "Now, what mechanisms would stop this from happening again, or limit its impact? "
        "Add action items with `action: <what> @owner due <date>` (`action #3: …` for a "
        "root cause) or the buttons."
    )
    if unaddressed:
        invite += "\n*Root causes with no action item yet:*\n" + "\n".join(
            f"• *#{step.number}* {short(step.answer or '', 200, names)}" for step in unaddressed
        )
    similar = [
        f"• Similar causes in <{link}|{key}>: “{short(cause, 200, names)}”"
        if link
        else f"• Similar causes in {key}: “{short(cause, 200, names)}”"
        for key, cause, link in related or []
    ]
    texts = [intro, *lines]
    if similar:
        texts += ["*A cause that keeps coming back is a missing mechanism:*", *similar]
    texts.append(invite)
    parts = _split(texts)
    messages: list[Message] = [
        {
            "text": clip(part.replace("*", ""), 3000),
            "blocks": [section(c) for c in chunks(part.split("\n"))],
        }
        for part in parts
    ]
    # An actions block takes 25 elements: the general buttons, and one per root cause.
    for_causes = [
        button(
            f"Action item for #{step.number}", ActionId.ADD_ACTION_ITEM, f"{coe_id}:{step.number}"
        )
        for step in unaddressed[:ROOT_CAUSE_BUTTONS]
    ]
    messages[-1]["blocks"].append(
        {
            "type": "actions",
            "elements": [
                *for_causes,
                button("Add action item", ActionId.ADD_ACTION_ITEM, str(coe_id)),
                button("Export", ActionId.EXPORT, str(coe_id)),
            ],
        }
    )
    return messages


def _split(lines: list[str]) -> list[str]:
    """Lines grouped into message-sized texts (block text budget, and 40 sections at most)."""
    parts: list[str] = []
    current = ""
    for line in lines:
        line = clip(line)
        if current and len(current) + len(line) + 1 > MESSAGE_TEXT_BUDGET:
            parts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*parts, current] if current else parts


def item_status_buttons(item_id: int) -> dict[str, Any]:
    """Done / Snooze a week / Drop, for an action item row in a nudge, digest or list."""
    value = str(item_id)
    return {
        "type": "actions",
        "block_id": f"item-{item_id}",
        # Copies of buttons made once: a digest has thousands of rows, all with the same three.
        "elements": [{**each, "value": value} for each in _ITEM_STATUS_BUTTONS],
    }


_ITEM_STATUS_BUTTONS = (
    button("Done", ActionId.ITEM_DONE, "", style="primary"),
    button("Snooze a week", ActionId.ITEM_SNOOZE, ""),
    button("Drop", ActionId.ITEM_DROP, "", style="danger"),
)


def build_notice(text: str) -> Message:
    """A short message with nothing to click: confirmations and errors."""
    return {"text": text, "blocks": [section(clip(text))]}
