"""Commands, clicks and forms kept for the worker: stored before the ack, then the worker woken."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from bot.runtime.context import Runtime
from bot.runtime.worker import Notify
from bot.slack.stored_request import RECEIVED
from storage import inbox
from storage.inbox import RequestKind


def keep(rt: Runtime, notify: Notify, kind: RequestKind, body: dict[str, Any]) -> None:
    """Store a command or interaction for the worker, then wake it. Runs before the ack."""
    key = f"{kind}:{body.get('trigger_id') or body.get('view', {}).get('id')}"
    now = rt.now()
    payload = json.dumps({**body, RECEIVED: now.isoformat()})
    with Session(rt.engine) as session:
        kept = inbox.keep(session=session, key=key, kind=kind, payload=payload, now=now)
        session.commit()
    if kept:
        notify(inbox.Pending(key, kind, None, fresh=inbox.Fresh(payload, now)))
