"""The port for everything the bot says: the use cases say what, `bot/slack` says how.

A use case gets an `Outgoing` from `rt.say(session)`, bound to its transaction: each method
queues the message in the outbox within that transaction and returns the outbox ids to send
once it commits (`delivery.deliver`). Nothing here knows Block Kit, payloads or Slack methods;
`bot/slack/outgoing.py` builds them, and a recording fake in the tests stands in for it.

A few methods talk to Slack at once and need no transaction (`rt.say()`): the parent message,
whose ts the review needs before anything else is stored, and the modals a click opened, which
Slack must see filled within seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from bot.core.action_items import NewItem
from bot.core.angles import Angle
from bot.core.digest import Digest
from bot.core.document import Related
from bot.core.facilitation import Chain, Step
from bot.core.nudges import NudgeKind
from bot.core.review_text import Names
from storage.models import Coe


class Refused(Exception):
    """Slack answered and did not do it (a method that talks to Slack at once); says Slack's
    error code."""


@dataclass(frozen=True)
class Sent:
    """A Slack message a run queued, and what became of it by the time the run ended (the
    runtime fills in `status` and `error` once it has delivered)."""

    outbox_id: int
    channel: str
    what: str
    status: str = "queued"
    error: str | None = None

    def line(self) -> str:
        outcome = self.status if self.error is None else f"{self.status} ({self.error})"
        return f"{self.what}: {outcome}"


# What a use case hands over once its transaction commits: the outbox ids it queued.
OnCommit = Callable[[list[int]], None]


def deliver_nothing(message_ids: list[int]) -> None:
    """The `on_commit` of a caller that delivers afterwards, or not at all."""


@dataclass(frozen=True)
class NudgeContent:
    """What a reminder says about one item."""

    item_id: int
    text: str
    coe_id: int
    problem: str
    due: date
    why_number: int | None = None
    why_text: str | None = None
    # The COE's thread, so the owner can go back to the review from the reminder.
    link: str | None = None


@dataclass(frozen=True)
class Nudge:
    """A reminder owed to an item's owner on `day`, their calendar day."""

    owner_id: str
    content: NudgeContent
    kind: NudgeKind
    day: date


@dataclass(frozen=True)
class GoneOwner:
    """A deactivated owner's open items of one COE, which its facilitator should give to
    someone else: (item id, text, due) each."""

    coe_id: int
    problem: str
    owner_id: str
    items: tuple[tuple[int, str, date], ...]
    # The COE's thread, so the facilitator can go back to the review.
    link: str | None = None


@dataclass(frozen=True)
class RenderedDigest:
    """A channel's digest made into the messages it takes, in the outgoing side's own form:
    made before the transaction that queues it, which then holds SQLite's write lock for the
    queueing alone."""

    messages: tuple[Any, ...]
    item_ids: tuple[tuple[int, ...], ...]  # the open items each message lists


@dataclass(frozen=True)
class QueuedPage:
    """One queued message of a channel's digest, and the open items it lists."""

    channel_id: str
    message_id: int
    number: int
    pages: int
    item_ids: tuple[int, ...]


class Outgoing(Protocol):
    # The COE's parent message and thread ---------------------------------------------------

    def post_parent(
        self, *, coe_id: int, channel_id: str, facilitator_id: str, chain: Chain, names: Names
    ) -> str:
        """Post the message that anchors the COE's thread, at once; returns its ts. Raises
        `Refused` when Slack answers no, anything else when its answer never came."""
        ...

    def refresh_parent(self, coe: Coe, chain: Chain, names: Names) -> int:
        """Bring the parent's status line up to date; a burst of changes costs one update."""
        ...

    def ask_why(
        self,
        coe: Coe,
        step: Step,
        *,
        step_id: int | None,
        lead: str | None,
        with_help: bool,
        names: Names,
    ) -> int:
        """Ask the open why, with `lead` before it; the prompt's ts is recorded on `step_id`."""
        ...

    def second_cause(self, coe: Coe, chain: Chain, step: Step, names: Names) -> int:
        """Say that `step` was taken as another cause of the same why."""
        ...

    def offer_angles(self, coe: Coe, angles: Sequence[Angle]) -> int:
        """Offer the angles nobody looked at yet, once the team is out of ideas."""
        ...

    def post_chain(
        self,
        coe: Coe,
        chain: Chain,
        related: Sequence[Related],
        names: Names,
        unaddressed: Sequence[Step] = (),
        canvas_link: str | None = None,
    ) -> list[int]:
        """The finished tree of causes, with related COEs, the root causes no action item
        addresses yet and the COE's canvas if it has one, in as many posts as it takes."""
        ...

    def note(self, coe: Coe, text: str, *, on_behalf_of: str | None = None, what: str = "") -> int:
        """A short note in the thread; if Slack refuses it, `on_behalf_of` is told about `what`."""
        ...

    def confirm_item(
        self, coe: Coe, item: NewItem, author_id: str, names: Names, item_id: int
    ) -> int:
        """The thread's record of a new action item (`item_id`), with its buttons."""
        ...

    def mark_answer(self, coe: Coe, ts: str, *, remove: bool = False) -> int:
        """Mark the thread message at `ts` as recorded (or take the mark off)."""
        ...

    def tell_privately(
        self, *, channel_id: str, thread_ts: str | None, user_id: str, text: str
    ) -> int:
        """A note in the thread that only `user_id` sees."""
        ...

    # Elsewhere -----------------------------------------------------------------------------

    def publish_home(self, user_id: str) -> int:
        """A fresh App Home for `user_id`, built when it is sent; pending ones are reused."""
        ...

    def upload_document(self, *, coe_id: int, user_id: str) -> int:
        """The COE document as a file in its thread, written when it is sent."""
        ...

    def share_picture(self, coe: Coe, *, after: Sequence[int]) -> int:
        """The picture of the tree of causes in the COE's thread, drawn when it is sent; it
        follows the queued messages `after` (the chain summary) if they go out in time."""
        ...

    def create_canvas(self, coe: Coe, *, origin: str, after: Sequence[int] = ()) -> int:
        """The COE's canvas, tabbed in its channel and written when it is sent, after the
        queued messages `after`; `origin` says what made it (bot/use_cases/canvases.py)."""
        ...

    def edit_canvas(self, coe_id: int) -> int:
        """The COE's canvas rewritten as the COE stands when it is sent; a burst of changes
        makes one edit."""
        ...

    def nudge(self, nudges: Sequence[Nudge], names: Names) -> list[int]:
        """A direct message to each owner, queued together; each sent at most once."""
        ...

    def owner_gone(
        self, gone: GoneOwner, names: Names, *, to: str, thread: tuple[str, str | None] | None
    ) -> int:
        """Tell the facilitator `to`, by direct message, that an owner is deactivated and which
        items to give to someone else; in the COE's `thread` (channel, ts) instead if given."""
        ...

    def render_digests(
        self,
        digests: Mapping[str, Digest],
        names: Names,
        links: Mapping[int, str],
        canvas_links: Mapping[int, str] | None = None,
    ) -> dict[str, RenderedDigest]:
        """Each channel's digest in as many messages as it takes, for `post_digests`; `links`
        go to COEs' threads, `canvas_links` to their canvases."""
        ...

    def post_digests(
        self, rendered: Mapping[str, RenderedDigest], digest_ids: Mapping[str, int]
    ) -> list[QueuedPage]:
        """These channels' digests queued together; a channel that refuses its digest takes
        its `digest_ids` record back, so the digest stays owed."""
        ...

    # Modals a click opened (at once) -------------------------------------------------------

    def fill_add_form(
        self,
        *,
        view_id: str,
        coe_id: int,
        whys: Sequence[Step],
        default_why: Step,
        owner_id: str,
        names: Names,
    ) -> None:
        """Put the "Add action item" form into the modal that is loading."""
        ...

    def fill_drop_form(self, *, view_id: str, item_id: int, description: str, names: Names) -> None:
        """Ask for the reason for dropping an item in the modal that is loading."""
        ...

    # At send time --------------------------------------------------------------------------

    def complete(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload to send for a queued message that is built only when sent."""
        ...
