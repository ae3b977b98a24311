"""One queued message sent to Slack, and what Slack's answer means for it: sent, tried again
later (a Retry-After honoured), given up for good, or given up as unknown (Slack may have
taken it, and it is not one to send twice). Whoever a refusal leaves without an answer is told.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.error import URLError

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.runtime.tuning import SEND_ATTEMPTS
from bot.slack import canvases, refusals, uploads
from bot.use_cases.reading import LookupFailed
from storage import channels, digests, outbox

log = logging.getLogger(__name__)

# Sends the notes a refusal queued for the people it concerns (delivery.deliver).
Deliver = Callable[[Sequence[int]], None]

REACTIONS = ("reactions.add", "reactions.remove")
# Three calls in one (an upload URL, the bytes, the completion that shares): bot/slack/uploads.py.
# The name is the one queued messages have carried since the SDK's files_upload_v2 made them.
UPLOAD = "files.upload_v2"
# Retrying these cannot succeed: the channel, message or payload is wrong for good.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "msg_too_long",
        "msg_blocks_too_long",
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
# Slack refuses the channel itself: nothing can be posted there until someone acts.
CHANNEL_REFUSALS = frozenset(
    {
        "not_in_channel",
        "is_archived",
        "channel_not_found",
        # files.completeUploadExternal's own words for a channel it will not share in.
        "invalid_channel",
        "posting_to_channel_denied",
    }
)


@dataclass(frozen=True)
class Taken:
    """Slack took the message; `ts` is what it posted, if it posted something."""

    ts: str | None


def send(rt: Runtime, message: outbox.Claimed, deliver: Deliver) -> Taken | None:
    """Make the call; None when Slack did not take it (what happens next is recorded)."""
    try:
        payload = _payload(rt, message)
    except LookupFailed as error:
        # A Home needs the person's channels: better later than published short of them.
        _retry(rt, message, f"Slack did not answer a lookup it needs ({error})", None)
        return None
    except Exception as error:
        log.exception("Building outbox message %s failed", message.id)
        _retry(rt, message, f"building it failed: {error!r}", None)
        return None
    try:
        response = _call(rt, message, payload, deliver)
    except canvases.Refused as error:
        _give_up(rt, message, error.code, "failed")
        deliver(error.message_ids)
        return None
    except uploads.NotShared as error:
        _retry(rt, message, f"not shared: {error}", None)
        return None
    except uploads.Unconfirmed as error:
        _give_up(rt, message, str(error), "unknown")
        deliver(refusals.tell_exporter(rt, payload, "unconfirmed"))
        return None
    except SlackApiError as error:
        if error.response.status_code >= 500:
            _unknown(rt, message, f"http {error.response.status_code}")
        else:
            _refused(rt, message, error, payload, deliver)
        return None
    except URLError as error:
        if isinstance(error.reason, ConnectionRefusedError | socket.gaierror):
            _retry(rt, message, f"unreachable: {error.reason}", None)  # never got there
        else:
            _unknown(rt, message, f"network: {error.reason}")
        return None
    except Exception as error:
        # Timeouts, resets, broken answers: the request may have reached Slack before it
        # failed; whether to risk a second copy is the message's own call (a nudge never does).
        _unknown(rt, message, f"{type(error).__name__}: {error}")
        return None
    ts = response.get("ts") or (response.get("message") or {}).get("ts")
    return Taken(str(ts) if ts else None)


def _call(
    rt: Runtime, message: outbox.Claimed, payload: dict[str, Any], deliver: Deliver
) -> dict[str, Any]:
    if message.method in canvases.METHODS:
        return canvases.call(rt, message.method, payload, deliver)
    if message.method == UPLOAD:
        return uploads.share(rt, payload)
    if message.method in REACTIONS:
        try:
            return dict(rt.slack.api_call(message.method, json=payload).data)
        except SlackApiError as error:
            # The mark is already there, or already gone: what was asked for is so.
            if error.response.get("error") in ("already_reacted", "no_reaction"):
                return {"ok": True}
            raise
    return dict(rt.slack.api_call(message.method, json=payload).data)


def _payload(rt: Runtime, message: outbox.Claimed) -> dict[str, Any]:
    # A Home or a document is queued as what it is and built now, from what is committed by now.
    return rt.say().complete(message.method, refusals.for_slack(message.payload))


def _refused(
    rt: Runtime,
    message: outbox.Claimed,
    error: SlackApiError,
    payload: dict[str, Any],
    deliver: Deliver,
) -> None:
    """Slack answered and did not post: safe to try again, unless it never will."""
    code = str(error.response.get("error", "unknown_error"))
    if error.response.status_code == 429:
        headers = {name.lower(): value for name, value in error.response.headers.items()}
        _retry(rt, message, "ratelimited", int(headers.get("retry-after") or 1))
    elif code in CHANNEL_REFUSALS:
        _channel_refused(rt, message, code)
        if message.method == UPLOAD:
            deliver(refusals.tell_exporter(rt, payload, code))
    elif code in PERMANENT_ERRORS:
        log.error("Slack refused outbox message %s for good: %s", message.id, code)
        _give_up(rt, message, code, "failed")
        deliver(refusals.tell(rt, message.payload, code))
    else:
        _retry(rt, message, code, None)


def _channel_refused(rt: Runtime, message: outbox.Claimed, code: str) -> None:
    """Slack will not post in the channel: give up; a digest is not done, an archived channel
    gets no more."""
    channel = json.loads(message.payload).get("channel")
    log.error("Slack refused outbox message %s to %s for good: %s", message.id, channel, code)
    with Session(rt.engine) as session:
        outbox.give_up(session=session, message_id=message.id, error=code, status="failed")
        if message.digest_id is not None and digests.forget_digest(
            session=session, digest_id=message.digest_id
        ):
            log.error("The digest for %s was not posted (%s); it is still owed", channel, code)
        if code == "is_archived" and channel:
            channels.mark_archived(session=session, channel_id=str(channel), now=rt.now())
        session.commit()


def _unknown(rt: Runtime, message: outbox.Claimed, error: str) -> None:
    if message.resend_if_unknown:
        _retry(rt, message, error, None)
    else:
        log.error("Outbox message %s may or may not have reached Slack (%s)", message.id, error)
        _give_up(rt, message, error, "unknown")


def _retry(rt: Runtime, message: outbox.Claimed, error: str, after: int | None) -> None:
    if message.attempts >= SEND_ATTEMPTS and after is None:
        log.error("Giving up on outbox message %s after %s attempts", message.id, message.attempts)
        _give_up(rt, message, error, "failed")
        return
    delay = after if after is not None else min(2**message.attempts, 300)
    log.warning("Outbox message %s failed (%s); retrying in %ss", message.id, error, delay)
    with Session(rt.engine) as session:
        outbox.retry_later(
            session=session,
            message_id=message.id,
            error=error,
            at=rt.now() + timedelta(seconds=delay),
        )
        session.commit()


def _give_up(rt: Runtime, message: outbox.Claimed, error: str, status: str) -> None:
    with Session(rt.engine) as session:
        outbox.give_up(session=session, message_id=message.id, error=error, status=status)
        session.commit()
