"""A fake of the outgoing-messages port (bot/outgoing.py) that records what the bot would say.

Use cases run against it with a real database and no Slack: what they decided to say is in
`said`, by method, with the arguments the port got. Nothing is queued, so the ids it returns
are its own and delivery finds nothing to send.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from bot.core.digest import Digest
from bot.runtime.context import Runtime
from bot.use_cases.outgoing import Nudge, QueuedPage, RenderedDigest


@dataclass(frozen=True)
class Said:
    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


@dataclass
class Recorder:
    """Everything said through every port this recorder made, in order."""

    said: list[Said] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)  # the ts of each parent message posted
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(-1, -1))

    def __call__(self, rt: Runtime, session: Session | None) -> RecordingOutgoing:
        return RecordingOutgoing(self)

    def of(self, method: str) -> list[Said]:
        return [said for said in self.said if said.method == method]

    def methods(self) -> list[str]:
        return [said.method for said in self.said]

    def next_id(self) -> int:
        # Negative, so never the id of a row the outbox really holds.
        return next(self._ids)


class RecordingOutgoing:
    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def _record(self, method: str, *args: Any, **kwargs: Any) -> int:
        self._recorder.said.append(Said(method, args, kwargs))
        return self._recorder.next_id()

    def post_parent(self, **kwargs: Any) -> str:
        self._record("post_parent", **kwargs)
        ts = f"1700000000.{len(self._recorder.parents) + 1:06d}"
        self._recorder.parents.append(ts)
        return ts

    def refresh_parent(self, *args: Any) -> int:
        return self._record("refresh_parent", *args)

    def ask_why(self, *args: Any, **kwargs: Any) -> int:
        return self._record("ask_why", *args, **kwargs)

    def second_cause(self, *args: Any) -> int:
        return self._record("second_cause", *args)

    def offer_angles(self, *args: Any) -> int:
        return self._record("offer_angles", *args)

    def post_chain(self, *args: Any, **kwargs: Any) -> list[int]:
        return [self._record("post_chain", *args, **kwargs)]

    def note(self, *args: Any, **kwargs: Any) -> int:
        return self._record("note", *args, **kwargs)

    def confirm_item(self, *args: Any) -> int:
        return self._record("confirm_item", *args)

    def mark_answer(self, *args: Any, **kwargs: Any) -> int:
        return self._record("mark_answer", *args, **kwargs)

    def tell_privately(self, **kwargs: Any) -> int:
        return self._record("tell_privately", **kwargs)

    def publish_home(self, *args: Any) -> int:
        return self._record("publish_home", *args)

    def upload_document(self, **kwargs: Any) -> int:
        return self._record("upload_document", **kwargs)

    def share_picture(self, *args: Any, **kwargs: Any) -> int:
        return self._record("share_picture", *args, **kwargs)

    def create_canvas(self, *args: Any, **kwargs: Any) -> int:
        return self._record("create_canvas", *args, **kwargs)

    def edit_canvas(self, *args: Any) -> int:
        return self._record("edit_canvas", *args)

    def nudge(self, nudges: Sequence[Nudge], names: Mapping[str, str]) -> list[int]:
        return [self._record("nudge", nudge, names) for nudge in nudges]

    def owner_gone(self, *args: Any, **kwargs: Any) -> int:
        return self._record("owner_gone", *args, **kwargs)

    def render_digests(
        self,
        digests: Mapping[str, Digest],
        names: Mapping[str, str],
        links: Mapping[int, str],
        canvas_links: Mapping[int, str] | None = None,
    ) -> dict[str, RenderedDigest]:
        # One message a channel, the digest itself: how a digest splits into messages is the
        # Slack side's business.
        return {channel: RenderedDigest((digest,), ((),)) for channel, digest in digests.items()}

    def post_digests(
        self, rendered: Mapping[str, RenderedDigest], digest_ids: Mapping[str, int]
    ) -> list[QueuedPage]:
        return [
            QueuedPage(channel, self._record("post_digests", channel, digest.messages[0]), 1, 1, ())
            for channel, digest in rendered.items()
        ]

    def fill_add_form(self, **kwargs: Any) -> None:
        self._record("fill_add_form", **kwargs)

    def fill_drop_form(self, **kwargs: Any) -> None:
        self._record("fill_drop_form", **kwargs)

    def complete(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        return payload
