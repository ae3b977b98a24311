"""What a use case a person asked for did: what to tell them, and what it queued for Slack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.item_form import FormField


@dataclass(frozen=True)
class Outcome:
    """The message for the person who asked (empty: nothing to say) and the outbox ids queued,
    which the caller delivers once it has answered. `ok` is False when nothing changed;
    `errors` are per form field."""

    ok: bool
    message: str = ""
    message_ids: list[int] = field(default_factory=list)
    errors: Mapping[FormField, str] = field(default_factory=dict)
