"""Block Kit for the 5-Whys session: pure `build_*` functions, each with a plain-text fallback."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.core.facilitation import ASIDE_PREFIX, Chain, Status, Step, quote, why_question
from bot.slack.blocks import button, chunks, clip, context, header, mrkdwn, section

Message = dict[str, Any]


class ActionId(StrEnum):
    """Shared by the builders that put a button on a message and the listeners that handle it."""

    END_CHAIN = "coe_end_chain"
    ADD_ACTION_ITEM = "coe_add_action_item"
    ITEM_DONE = "coe_item_done"
    ITEM_SNOOZE = "coe_item_snooze"
    ITEM_DROP = "coe_item_drop"


HELP_LINE = (
    f"Reply in this thread to answer. Start with `{ASIDE_PREFIX}` for an aside that is not an "
    'answer. `undo` takes back the latest answer. Say `done` (or "we\'re out of ideas") when '
    "you have run out of whys. `action: <what> @owner due <date>` records an action item."
)


def coe_key(coe_id: int) -> str:
    return f"COE-{coe_id}"


def status_line(chain: Chain) -> str:
    if chain.status is Status.CHAIN_DONE:
        return f"chain complete ({len(chain.answered)} whys), collecting action items"
    step = chain.open_step
    return f"asking why #{step.number}" if step else "starting"


def build_parent(coe_id: int, facilitator_id: str, chain: Chain) -> Message:
    """The channel message that anchors the COE thread."""
    key, status = coe_key(coe_id), status_line(chain)
    problem = quote(chain.problem)
    return {
        "text": f"{key}: {problem} (facilitator <@{facilitator_id}>, status: {status})",
        "blocks": [
            header(chain.problem),
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


def build_why_prompt(coe_id: int, step: Step, reopened_from: str | None = None) -> Message:
    """Ask the open why; `reopened_from` is the answer that was just taken back, if any."""
    question = why_question(step)
    lead = f"Took back “{clip(quote(reopened_from), 500)}”. " if reopened_from is not None else ""
    return {
        "text": lead + question,
        "blocks": [
            section(clip(f"{lead}*{question}*")),
            context(HELP_LINE),
            {
                "type": "actions",
                "elements": [
                    button("We're out of ideas", ActionId.END_CHAIN, str(coe_id)),
                ],
            },
        ],
    }


def chain_lines(chain: Chain) -> list[str]:
    return [
        f"{step.number}. Why? {quote(step.subject)}\n"
        f"    → {quote(step.answer or '')} (<@{step.author}>)"
        for step in chain.answered
    ]


def build_chain_summary(coe_id: int, chain: Chain) -> Message:
    """The recorded chain, posted when the participants run out of ideas."""
    lines = chain_lines(chain)
    intro = f"*{coe_key(coe_id)}: the chain of whys ({len(lines)})*"
    invite = (
        "Now, what mechanisms would stop this from happening again, or limit its impact? "
        "Add action items with `action: <what> @owner due <date>` or the button."
    )
    return {
        "text": "\n".join([intro.replace("*", ""), *lines, invite]),
        "blocks": [
            section(intro),
            *(section(chunk) for chunk in chunks(lines)),
            section(invite),
            {
                "type": "actions",
                "elements": [button("Add action item", ActionId.ADD_ACTION_ITEM, str(coe_id))],
            },
        ],
    }


def item_status_buttons(item_id: int) -> dict[str, Any]:
    """Done / Snooze a week / Drop, for an action item row in a nudge, digest or list."""
    value = str(item_id)
    return {
        "type": "actions",
        "block_id": f"item-{item_id}",
        "elements": [
            button("Done", ActionId.ITEM_DONE, value, style="primary"),
            button("Snooze a week", ActionId.ITEM_SNOOZE, value),
            button("Drop", ActionId.ITEM_DROP, value, style="danger"),
        ],
    }


def build_notice(text: str) -> Message:
    """A short message with nothing to click: confirmations and errors."""
    return {"text": text, "blocks": [section(clip(text))]}
