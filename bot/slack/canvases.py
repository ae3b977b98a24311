"""A COE's canvas in Slack: canvases.create, tabbed in the COE's channel, and canvases.edit,
which replaces the whole document with the COE as it stands.

Both are queued in the outbox and written when sent. Edits are coalesced: a change queues one
that is due a few seconds later, and the changes after it, until it is sent, only rewrite it.
Canvas calls keep a pace that stays under Slack's limits. A call Slack refuses is not tried
again: the COE is marked as having no canvas and the thread is told, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.core.review_text import coe_key
from bot.runtime.context import Runtime
from bot.slack import pictures
from bot.slack.blocks import context, text_length
from bot.use_cases import canvases
from storage import canvases as canvas_store
from storage import coes, outbox
from storage.models import Coe

CREATE, EDIT = "canvases.create", "canvases.edit"
UPDATE = "chat.update"
METHODS = (CREATE, EDIT)
# canvases.create is Tier 2 (about 20 a minute) and canvases.edit Tier 3 (about 50): each
# method's calls, across every COE, are queued at least this far apart.
CALLS_APART = timedelta(seconds=3)
# A change waits this long for the ones that follow it (an item marked done, then its note,
# then the next item): a burst makes one edit.
EDIT_DELAY = timedelta(seconds=5)
# Slack's errors that say nothing about the canvas, only that it could not answer now.
TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Keys of a queued call that are ours, not Slack's.
_OURS = ("coe_id", "origin", "after")
# Slack takes about 12,000 characters of block text in a message.
_MESSAGE_TEXT = 11_500

Deliver = Callable[[Sequence[int]], None]


class Refused(Exception):
    """Slack refused the canvas for good (`code`); `message_ids` tell the thread so."""

    def __init__(self, code: str, message_ids: list[int]) -> None:
        super().__init__(code)
        self.code = code
        self.message_ids = message_ids


def queue_create(
    rt: Runtime, session: Session, coe: Coe, *, origin: str, after: Sequence[int]
) -> int:
    assert coe.id is not None
    return outbox.enqueue(
        session=session,
        method=CREATE,
        payload={"coe_id": coe.id, "origin": origin, "after": list(after)},
        now=rt.now(),
        # Made twice is worse than not made: a lost answer leaves the file as the document.
        resend_if_unknown=False,
        apart=CALLS_APART,
    )


def queue_edit(rt: Runtime, session: Session, coe_id: int) -> int:
    now = rt.now()
    return outbox.enqueue(
        session=session,
        method=EDIT,
        payload={"coe_id": coe_id},
        now=now,
        coalesce_key=f"coe-canvas:{coe_id}",
        not_before=now + EDIT_DELAY,
        apart=CALLS_APART,
    )


def complete(rt: Runtime, method: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The call as Slack takes it, with the COE as it stands now (and our keys, which `call`
    takes out)."""
    if method == CREATE:
        # After the chain summary, so that its link can be added to it.
        pictures.wait_until_sent(rt, [int(each) for each in payload.get("after") or []])
    written = canvases.content(rt, int(payload["coe_id"]))
    document = {"type": "markdown", "markdown": written.markdown}
    if method == CREATE:
        return {
            **payload,
            "title": written.title,
            "channel_id": written.channel_id,
            "document_content": document,
        }
    return {
        **payload,
        "canvas_id": written.canvas_id,
        "changes": [{"operation": "replace", "document_content": document}],
    }


def call(rt: Runtime, method: str, payload: dict[str, Any], deliver: Deliver) -> dict[str, Any]:
    """Make the call and record what came of it; raises `Refused` when Slack will not have the
    canvas, and anything else as any call does (tried again, or given up as unknown)."""
    ours = {key: payload.pop(key, None) for key in _OURS}
    coe_id = int(str(ours["coe_id"]))
    if method == EDIT and not payload.get("canvas_id"):
        return {"ok": True}  # refused, or still being made: then it is edited once made
    try:
        answer = dict(rt.slack.api_call(method, json=payload).data)
    except SlackApiError as error:
        code = str(error.response.get("error") or "")
        status = error.response.status_code
        if status >= 500 or status == 429 or code in TRANSIENT:
            raise
        origin = str(ours["origin"]) if method == CREATE else None
        raise Refused(code, canvases.refused(rt, coe_id, reason=code, origin=origin)) from error
    if method == EDIT:
        canvases.edited(rt, coe_id)
        return answer
    ids = canvases.created(rt, coe_id, canvas_id=str(answer["canvas_id"]))
    after = [int(each) for each in ours["after"] or []]  # type: ignore[attr-defined]
    ids += _announce(rt, coe_id, after[:1])
    deliver(ids)
    return answer


def _announce(rt: Runtime, coe_id: int, summary: Sequence[int]) -> list[int]:
    """The canvas's link added to the chain summary it follows, or else said in the thread."""
    with Session(rt.engine) as session:
        canvas = canvas_store.get(session=session, coe_id=coe_id)
        coe = coes.get_coe(session=session, coe_id=coe_id)
        if canvas is None or not canvas.link or coe is None:
            return []
        key = coe_key(coe_id)
        posted = summary and canvas_store.sent_message(session=session, message_id=summary[0])
        if posted:
            message = json.loads(posted[0])
            update = {"channel": message["channel"], "ts": posted[1]}
            update |= with_canvas_link(message, canvas.link, key)
            ids = [outbox.enqueue(session=session, method=UPDATE, payload=update, now=rt.now())]
        else:
            ids = [rt.say(session).note(coe, _link_line(canvas.link, key))]
        session.commit()
    return ids


def with_canvas_link(message: dict[str, Any], link: str, key: str) -> dict[str, Any]:
    """A message (text and blocks) with a line linking to the COE's canvas, after its first
    block, if Slack's limits leave room for it."""
    blocks = list(message.get("blocks") or [])
    line = context(_link_line(link, key))
    if blocks and len(blocks) < 50 and text_length(blocks) + text_length([line]) < _MESSAGE_TEXT:
        blocks.insert(1, line)
    return {"text": message.get("text") or "", "blocks": blocks}


def _link_line(link: str, key: str) -> str:
    return f"📄 <{link}|{key} as a canvas>, in this channel and kept up to date."
