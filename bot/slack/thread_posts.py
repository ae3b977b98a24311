"""Queueing the bot's posts in a COE thread: for everyone, or for one person's eyes."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.slack import refusals
from bot.slack.messages import build_notice
from storage import outbox


def in_thread(
    rt: Runtime,
    session: Session,
    *,
    channel_id: str,
    thread_ts: str | None,
    message: dict[str, Any],
    on_behalf_of: str | None = None,
    what: str = "",
) -> int:
    """Queue `message` for the thread, in the caller's transaction.

    `on_behalf_of` is the person whose action it answers: told if Slack refuses `what`.
    """
    report: dict[str, Any] = {}
    if on_behalf_of is not None:
        report = refusals.on_behalf_of(on_behalf_of, channel_id, thread_ts, what)
    return outbox.enqueue(
        session=session,
        method="chat.postMessage",
        payload={"channel": channel_id, "thread_ts": thread_ts, **message, **report},
        now=rt.now(),
    )


def privately(
    rt: Runtime,
    session: Session,
    *,
    channel_id: str,
    thread_ts: str | None,
    user_id: str,
    text: str,
) -> int:
    """Queue an ephemeral note in the thread that only `user_id` sees."""
    return outbox.enqueue(
        session=session,
        method="chat.postEphemeral",
        payload={
            "channel": channel_id,
            "user": user_id,
            "thread_ts": thread_ts,
            **build_notice(text),
        },
        now=rt.now(),
    )
