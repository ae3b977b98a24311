"""Sharing a COE document in its thread: an upload URL (files.getUploadURLExternal), the bytes,
then the completion (files.completeUploadExternal), the one call that shares the file.

Anything that fails before the completion shared nothing, and may be tried again. A completion
whose answer never came may have shared the file: the thread is read for it
(conversations.replies), and the completion is never made a second time.
"""

from __future__ import annotations

import http.client
import logging
import urllib.request
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.runtime.context import Runtime

log = logging.getLogger(__name__)

# A thread with more replies than this is not read to its end for the file.
REPLY_PAGES = 10
_UNANSWERED = (SlackClientError, OSError, http.client.HTTPException)


class NotShared(Exception):
    """Failed before the completion: the file cannot have been shared, so it may be tried again."""


class Unconfirmed(Exception):
    """The completion got no answer and the file is not in the thread: it may still appear, so
    it is not shared again."""


def share(rt: Runtime, payload: dict[str, Any]) -> dict[str, Any]:
    """Upload `payload["content"]` (text or bytes) and share it in the thread; Slack's answer,
    or the ts of the message that shows the file when that answer was lost.

    Raises `NotShared`, `Unconfirmed`, or the `SlackApiError` of a refusal (a 4xx, Slack's
    error code), which nothing here tries again.
    """
    content = payload["content"]
    content = content if isinstance(content, bytes) else str(content).encode()
    try:
        upload = rt.slack.files_getUploadURLExternal(
            filename=str(payload["filename"]), length=len(content)
        )
        _send_bytes(str(upload["upload_url"]), content, rt.slack.timeout)
    except SlackApiError as error:
        if error.response.status_code < 500:
            raise
        raise NotShared(f"http {error.response.status_code}") from error
    except _UNANSWERED as error:
        raise NotShared(f"{type(error).__name__}: {error}") from error
    file_id = str(upload["file_id"])
    try:
        done = rt.slack.files_completeUploadExternal(
            files=[{"id": file_id, "title": str(payload["title"])}],
            channel_id=str(payload["channel"]),
            thread_ts=payload.get("thread_ts"),
            initial_comment=payload.get("initial_comment"),
        )
    except SlackApiError as error:
        if error.response.status_code < 500:
            raise
        return _found_in_thread(rt, payload, file_id, f"http {error.response.status_code}")
    except _UNANSWERED as error:
        return _found_in_thread(rt, payload, file_id, f"{type(error).__name__}: {error}")
    return dict(done.data) if isinstance(done.data, dict) else {"ok": True}


def _send_bytes(url: str, content: bytes, timeout: int) -> None:
    request = urllib.request.Request(url, data=content, method="POST")
    request.add_header("Content-Type", "application/octet-stream")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        answer.read()


def _found_in_thread(
    rt: Runtime, payload: dict[str, Any], file_id: str, why: str
) -> dict[str, Any]:
    """The completion got no answer: Slack's answer as it would have been, if the thread shows
    the file; else `Unconfirmed`."""
    channel, thread_ts = str(payload["channel"]), payload.get("thread_ts")
    try:
        ts = _message_with(rt, channel, str(thread_ts), file_id) if thread_ts else None
    except _UNANSWERED as error:
        log.warning(
            "Could not read the thread %s/%s for %s: %s", channel, thread_ts, file_id, error
        )
        ts = None
    if ts is None:
        raise Unconfirmed(f"{why}; {file_id} not seen in the thread")
    log.info("The upload of %s got no answer (%s), but the thread shows it", file_id, why)
    return {"ok": True, "ts": ts}


def _message_with(rt: Runtime, channel: str, thread_ts: str, file_id: str) -> str | None:
    """The ts of the thread's message that shares `file_id`, if there is one."""
    slack = rt.slack_reads or rt.slack
    cursor = None
    for _ in range(REPLY_PAGES):
        page = slack.conversations_replies(channel=channel, ts=thread_ts, limit=200, cursor=cursor)
        for message in page.get("messages") or []:
            if any(file.get("id") == file_id for file in message.get("files") or []):
                return str(message["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
