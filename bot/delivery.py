"""Sends what the outbox owes Slack: at once after a change commits, and again on a schedule."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import timedelta

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.runtime import Runtime
from storage import coes, outbox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=2)
# Retrying these cannot succeed: the channel, message or payload is wrong for good.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "invalid_blocks",
        "invalid_arguments",
        "message_not_found",
        "cant_update_message",
        "user_not_found",
        "user_not_in_channel",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "missing_scope",
        "not_authed",
    }
)


def deliver(rt: Runtime, message_ids: Sequence[int]) -> None:
    """Send these queued messages now, unless another sender has them or they are not due yet."""
    with Session(rt.engine) as session:
        claimed = outbox.claim(session=session, message_ids=message_ids, now=rt.now())
        session.commit()
    for message in claimed:
        _send(rt, message)


def deliver_due(rt: Runtime) -> int:
    """Send everything due, including retries and messages a dead process left mid-send."""
    with Session(rt.engine) as session:
        outbox.recover_stale(session=session, claimed_before=rt.now() - STALE_CLAIM)
        ids = outbox.due_ids(session=session, now=rt.now())
        session.commit()
    deliver(rt, ids)
    return len(ids)


def _send(rt: Runtime, message: outbox.Claimed) -> None:
    try:
        response = rt.slack.api_call(message.method, json=json.loads(message.payload))
    except SlackApiError as error:
        _failed(rt, message.id, message.attempts, error)
        return
    except OSError as error:  # network trouble: urllib's URLError and timeouts are OSErrors
        _retry(rt, message.id, message.attempts, f"network: {error}", None)
        return
    ts = response.get("ts") or (response.get("message") or {}).get("ts")
    with Session(rt.engine) as session:
        outbox.mark_sent(session=session, message_id=message.id, ts=ts, now=rt.now())
        if message.why_step_id is not None and ts:
            coes.set_prompt_ts(session=session, step_id=message.why_step_id, ts=ts)
        session.commit()


def _failed(rt: Runtime, message_id: int, attempts: int, error: SlackApiError) -> None:
    code = str(error.response.get("error", "unknown_error"))
    if error.response.status_code == 429:
        headers = {name.lower(): value for name, value in error.response.headers.items()}
        retry_after = int(headers.get("retry-after") or 1)
        _retry(rt, message_id, attempts, "ratelimited", retry_after)
    elif code in PERMANENT_ERRORS:
        log.error("Slack refused outbox message %s for good: %s", message_id, code)
        with Session(rt.engine) as session:
            outbox.give_up(session=session, message_id=message_id, error=code)
            session.commit()
    else:
        _retry(rt, message_id, attempts, code, None)


def _retry(rt: Runtime, message_id: int, attempts: int, error: str, after: int | None) -> None:
    with Session(rt.engine) as session:
        if attempts >= MAX_ATTEMPTS and after is None:
            log.error(
                "Giving up on outbox message %s after %s attempts: %s", message_id, attempts, error
            )
            outbox.give_up(session=session, message_id=message_id, error=error)
        else:
            delay = after if after is not None else min(2**attempts, 300)
            log.warning("Outbox message %s failed (%s); retrying in %ss", message_id, error, delay)
            outbox.retry_later(
                session=session,
                message_id=message_id,
                error=error,
                at=rt.now() + timedelta(seconds=delay),
            )
        session.commit()
