"""The picture of a COE's tree of causes, shared in its thread after the chain summary.

It is queued with the summary and drawn by the sender that takes it, so neither the summary's
text nor the next why waits for the drawing. It is shared once the summary is out (or given up),
so the thread reads summary, then picture; a summary held back longer than a sender may take
lets the picture go first rather than hold a sender.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.runtime.tuning import SENDING_HOLD
from bot.use_cases import pictures
from storage import outbox
from storage.db import read_only

# The key a queued upload carries when it is the picture, not the document.
PICTURE_KEY = "picture_of"
UNSENT = ("pending", "sending")


def queued(coe_id: int, after: Sequence[int]) -> dict[str, Any]:
    """What the outbox keeps of the picture until it is sent: which COE, and what goes first."""
    return {PICTURE_KEY: coe_id, "after": list(after)}


def is_picture(payload: dict[str, Any]) -> bool:
    return PICTURE_KEY in payload


def for_upload(rt: Runtime, payload: dict[str, Any]) -> dict[str, Any]:
    """The upload's payload (bytes and all), once the messages it follows are out."""
    wait_until_sent(rt, [int(each) for each in payload.get("after") or []])
    picture = pictures.for_upload(rt, int(payload[PICTURE_KEY]))
    return {
        "channel": picture.channel_id,
        "thread_ts": picture.thread_ts,
        "filename": picture.filename,
        "title": f"{picture.key}: the tree of causes",
        "content": picture.png,
        "initial_comment": f"{picture.key}'s tree of causes as a picture.",
    }


def wait_until_sent(rt: Runtime, message_ids: list[int]) -> None:
    """Return once these queued messages are sent or given up, or a sender's time is up."""
    deadline = time.monotonic() + SENDING_HOLD.total_seconds()
    while message_ids and time.monotonic() < deadline:
        with Session(read_only(rt.engine)) as session:
            states = outbox.states(session=session, message_ids=message_ids)
        message_ids = [each for each in message_ids if states.get(each, ("",))[0] in UNSENT]
        if message_ids:
            time.sleep(0.05)
