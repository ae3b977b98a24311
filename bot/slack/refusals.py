"""When Slack refuses a queued message for good, the person whose action it answered is told.

A queued payload may name that person (`on_behalf_of`): the key is taken out before the call
goes to Slack. Refusals for size or shape are reported this way, and an export Slack would not
share (`tell_exporter`); the log has the rest.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from bot.runtime.context import Runtime
from storage import outbox

REPORT_KEY = "coe_report_to"
# Slack refused what the message said, not where it went: the person can do something about it.
LIMIT_ERRORS = frozenset({"invalid_blocks", "msg_too_long", "msg_blocks_too_long"})


def on_behalf_of(user_id: str, channel_id: str, thread_ts: str | None, what: str) -> dict[str, Any]:
    """Payload keys saying whom to tell, where, if Slack refuses `what` ("your confirmation")."""
    return {
        REPORT_KEY: {"user": user_id, "channel": channel_id, "thread_ts": thread_ts, "what": what}
    }


def for_slack(payload: str) -> dict[str, Any]:
    """A queued payload as Slack should get it: without whom to tell."""
    body = json.loads(payload)
    body.pop(REPORT_KEY, None)
    return body


def tell(rt: Runtime, payload: str, error: str) -> list[int]:
    """Queue a note to whoever the refused message was for, if it says; the ids queued."""
    report = json.loads(payload).get(REPORT_KEY)
    if error not in LIMIT_ERRORS or not isinstance(report, dict):
        return []
    text = (
        f"Slack refused to post {report.get('what') or 'a message'} for you ({error}: it was "
        "too long or malformed). What you did was still recorded; sorry for the missing message."
    )
    with Session(rt.engine) as session:
        message_id = outbox.enqueue(
            session=session,
            method="chat.postEphemeral",
            # Text only, short and ours: Slack has no reason to refuse this one.
            payload={
                "channel": report.get("channel"),
                "user": report.get("user"),
                "thread_ts": report.get("thread_ts"),
                "text": text,
            },
            now=rt.now(),
        )
        session.commit()
    return [message_id]


# What to tell whoever exported a COE that Slack would not share, and what they can do.
_EXPORT_REFUSED = {
    "not_in_channel": "I am not in <#{channel}> any more. Invite me (`/invite @COE Bot`) and "
    "export it again.",
    "is_archived": "<#{channel}> is archived. Unarchive it and export it again, or ask whoever "
    "runs the bot for `coe-bot export {key}`.",
    "channel_not_found": "Slack no longer shows me <#{channel}> (deleted, or private and I was "
    "removed). Invite me back and export it again, or ask whoever runs the bot for "
    "`coe-bot export {key}`.",
    "posting_to_channel_denied": "Slack does not let me post in <#{channel}>. Ask a workspace "
    "admin, or whoever runs the bot for `coe-bot export {key}`.",
    "unconfirmed": "Slack did not confirm that it shared it in the thread. If it is not there "
    "in a minute, export it again (`/coe export {key}`).",
}


def tell_exporter(rt: Runtime, payload: dict[str, Any], error: str) -> list[int]:
    """Queue a direct message to whoever asked for the export: why the document is not in its
    thread, and what to do. The ids queued."""
    if not payload.get("user_id"):
        return []
    reason = _EXPORT_REFUSED.get(error, _EXPORT_REFUSED["channel_not_found"])
    key = str(payload.get("key") or "The COE")
    text = f"I could not share {key} as a document in its thread: " + reason.format(
        channel=payload.get("channel"), key=key
    )
    with Session(rt.engine) as session:
        message_id = outbox.enqueue(
            session=session,
            method="chat.postMessage",
            payload={"channel": payload["user_id"], "text": text},
            now=rt.now(),
        )
        session.commit()
    return [message_id]
