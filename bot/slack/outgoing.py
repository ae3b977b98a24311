"""`Outgoing` in Slack: Block Kit from the builders, queued in the outbox of the caller's
transaction, or sent at once where Slack needs the answer now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.core.action_items import NewItem
from bot.core.angles import Angle
from bot.core.digest import Digest
from bot.core.document import Related
from bot.core.facilitation import Chain, Status, Step
from bot.core.review_text import Names, coe_key
from bot.core.slack_text import clip
from bot.runtime.context import Runtime
from bot.runtime.tuning import PARENT_UPDATE_DELAY, PARENT_UPDATES_APART
from bot.slack import action_item_messages as item_views
from bot.slack import canvases, messages, pictures, thread_posts
from bot.slack import followup_messages as followup_views
from bot.slack.home_messages import build_home
from bot.slack.sending import UPLOAD
from bot.use_cases import documents, home
from bot.use_cases.outgoing import GoneOwner, Nudge, QueuedPage, Refused, RenderedDigest
from storage import outbox
from storage.models import Coe

POST = "chat.postMessage"
UPDATE = "chat.update"
PUBLISH = "views.publish"


class SlackOutgoing:
    """What the bot says, for Slack; `session` is the transaction it queues in (None: only
    the methods that call Slack at once may be used)."""

    def __init__(self, rt: Runtime, session: Session | None = None) -> None:
        self._rt = rt
        self._session = session

    # The COE's parent message and thread ---------------------------------------------------

    def post_parent(
        self, *, coe_id: int, channel_id: str, facilitator_id: str, chain: Chain, names: Names
    ) -> str:
        parent = messages.build_parent(coe_id, facilitator_id, chain, names)
        try:
            return str(self._rt.slack.chat_postMessage(channel=channel_id, **parent)["ts"])
        except SlackApiError as error:
            raise Refused(str(error.response.get("error"))) from error

    def refresh_parent(self, coe: Coe, chain: Chain, names: Names) -> int:
        parent = messages.build_parent(_id(coe), coe.facilitator_id, chain, names)
        # A closed chain is news and goes out at once.
        urgent = chain.status is Status.CHAIN_DONE
        now = self._rt.now()
        return outbox.enqueue(
            session=self._in_transaction(),
            method=UPDATE,
            payload={"channel": coe.channel_id, "ts": coe.parent_ts, **parent},
            now=now,
            coalesce_key=f"coe-parent:{coe.id}",
            not_before=None if urgent else now + PARENT_UPDATE_DELAY,
            # The refreshes wait their turn, one thread's coalesced into one.
            apart=None if urgent else PARENT_UPDATES_APART,
        )

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
        prompt = messages.build_why_prompt(_id(coe), step, lead, with_help=with_help, names=names)
        return outbox.enqueue(
            session=self._in_transaction(),
            method=POST,
            payload={"channel": coe.channel_id, "thread_ts": coe.parent_ts, **prompt},
            now=self._rt.now(),
            why_step_id=step_id,
        )

    def second_cause(self, coe: Coe, chain: Chain, step: Step, names: Names) -> int:
        return self._thread(coe, messages.build_second_cause(_id(coe), chain, step, names))

    def offer_angles(self, coe: Coe, angles: Sequence[Angle]) -> int:
        return self._thread(coe, messages.build_angle_offer(_id(coe), list(angles)))

    def post_chain(
        self,
        coe: Coe,
        chain: Chain,
        related: Sequence[Related],
        names: Names,
        unaddressed: Sequence[Step] = (),
        canvas_link: str | None = None,
    ) -> list[int]:
        similar = [(match.key, match.excerpt, match.link) for match in related]
        parts = messages.build_chain_summary(_id(coe), chain, similar, names, unaddressed)
        if canvas_link:
            parts[0] = {
                **parts[0],
                **canvases.with_canvas_link(parts[0], canvas_link, coe_key(_id(coe))),
            }
        return [self._thread(coe, part) for part in parts]

    def note(self, coe: Coe, text: str, *, on_behalf_of: str | None = None, what: str = "") -> int:
        return self._thread(coe, messages.build_notice(text), on_behalf_of, what)

    def confirm_item(
        self, coe: Coe, item: NewItem, author_id: str, names: Names, item_id: int
    ) -> int:
        confirmation = item_views.build_confirmation(_id(coe), item, author_id, names, item_id)
        return self._thread(coe, confirmation, author_id, "the confirmation of your action item")

    def mark_answer(self, coe: Coe, ts: str, *, remove: bool = False) -> int:
        return outbox.enqueue(
            session=self._in_transaction(),
            method="reactions.remove" if remove else "reactions.add",
            payload={
                "channel": coe.channel_id,
                "timestamp": ts,
                "name": messages.RECORDED_REACTION,
            },
            now=self._rt.now(),
        )

    def tell_privately(
        self, *, channel_id: str, thread_ts: str | None, user_id: str, text: str
    ) -> int:
        return thread_posts.privately(
            self._rt,
            self._in_transaction(),
            channel_id=channel_id,
            thread_ts=thread_ts,
            user_id=user_id,
            text=text,
        )

    # Elsewhere -----------------------------------------------------------------------------

    def publish_home(self, user_id: str) -> int:
        # The view is built when sent (`complete`), from what is committed by then.
        return outbox.enqueue(
            session=self._in_transaction(),
            method=PUBLISH,
            payload={"user_id": user_id},
            now=self._rt.now(),
            coalesce_key=f"home:{user_id}",
        )

    def upload_document(self, *, coe_id: int, user_id: str) -> int:
        # The file is written when sent (`complete`): by then the names of everyone in it can
        # be looked up in Slack, which a transaction must not wait for.
        return outbox.enqueue(
            session=self._in_transaction(),
            method=UPLOAD,
            payload={"coe_id": coe_id, "user_id": user_id},
            now=self._rt.now(),
            # Shared twice is worse than not shared: whoever asked is told (bot/slack/uploads.py).
            resend_if_unknown=False,
        )

    def share_picture(self, coe: Coe, *, after: Sequence[int]) -> int:
        # Drawn when sent (`complete`), by a sender: nobody waits on the drawing.
        return outbox.enqueue(
            session=self._in_transaction(),
            method=UPLOAD,
            payload=pictures.queued(_id(coe), after),
            now=self._rt.now(),
            resend_if_unknown=False,
        )

    def create_canvas(self, coe: Coe, *, origin: str, after: Sequence[int] = ()) -> int:
        return canvases.queue_create(
            self._rt, self._in_transaction(), coe, origin=origin, after=after
        )

    def edit_canvas(self, coe_id: int) -> int:
        return canvases.queue_edit(self._rt, self._in_transaction(), coe_id)

    def nudge(self, nudges: Sequence[Nudge], names: Names) -> list[int]:
        payloads = [
            {
                "channel": nudge.owner_id,
                **followup_views.build_nudge(nudge.content, nudge.kind, nudge.day, names),
            }
            for nudge in nudges
        ]
        return outbox.enqueue_many(
            session=self._in_transaction(),
            method=POST,
            payloads=payloads,
            now=self._rt.now(),
            # If the sender dies mid-send, a lost reminder beats a double one.
            resend_if_unknown=False,
        )

    def owner_gone(
        self, gone: GoneOwner, names: Names, *, to: str, thread: tuple[str, str | None] | None
    ) -> int:
        notice = followup_views.build_owner_gone(gone, names)
        if thread is not None:
            channel_id, thread_ts = thread
            return thread_posts.in_thread(
                self._rt,
                self._in_transaction(),
                channel_id=channel_id,
                thread_ts=thread_ts,
                message=notice,
            )
        return outbox.enqueue(
            session=self._in_transaction(),
            method=POST,
            payload={"channel": to, **notice},
            now=self._rt.now(),
            # Told once: better missed than twice if the sender dies mid-send.
            resend_if_unknown=False,
        )

    def render_digests(
        self,
        digests: Mapping[str, Digest],
        names: Names,
        links: Mapping[int, str],
        canvas_links: Mapping[int, str] | None = None,
    ) -> dict[str, RenderedDigest]:
        rendered = {}
        for channel, digest in digests.items():
            pages = followup_views.build_digest_messages(digest, names, links, canvas_links)
            rendered[channel] = RenderedDigest(
                tuple(page.message for page in pages), tuple(page.item_ids for page in pages)
            )
        return rendered

    def post_digests(
        self, rendered: Mapping[str, RenderedDigest], digest_ids: Mapping[str, int]
    ) -> list[QueuedPage]:
        payloads: list[dict[str, Any]] = []
        digest_of: list[int | None] = []
        pages: list[tuple[str, int, int, tuple[int, ...]]] = []
        for channel, digest in rendered.items():
            total = len(digest.messages)
            for number, (message, item_ids) in enumerate(
                zip(digest.messages, digest.item_ids, strict=True), start=1
            ):
                payloads.append({"channel": channel, **message})
                digest_of.append(digest_ids[channel])
                pages.append((channel, number, total, item_ids))
        message_ids = outbox.enqueue_many(
            session=self._in_transaction(),
            method=POST,
            payloads=payloads,
            now=self._rt.now(),
            # Better a missing part than a digest posted twice.
            resend_if_unknown=False,
            # Slack refusing the channel takes the record back: the digest is still owed.
            digest_ids=digest_of,
        )
        return [
            QueuedPage(channel, message_id, number, total, item_ids)
            for message_id, (channel, number, total, item_ids) in zip(
                message_ids, pages, strict=True
            )
        ]

    # Modals a click opened -----------------------------------------------------------------

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
        view = item_views.build_add_item_modal(coe_id, whys, default_why, owner_id, names)
        self._rt.slack.views_update(view_id=view_id, view=view)

    def fill_drop_form(self, *, view_id: str, item_id: int, description: str, names: Names) -> None:
        view = item_views.build_drop_modal(item_id, description, names)
        self._rt.slack.views_update(view_id=view_id, view=view)

    # At send time --------------------------------------------------------------------------

    def complete(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        if method in canvases.METHODS:
            return canvases.complete(self._rt, method, payload)
        if method == UPLOAD and pictures.is_picture(payload):
            return pictures.for_upload(self._rt, payload)
        if method == UPLOAD and "content" not in payload:
            return self._document(int(payload["coe_id"]), str(payload["user_id"]))
        if method == PUBLISH and "view" not in payload:
            user_id = str(payload["user_id"])
            shown, names = home.current(self._rt, user_id)
            return {"user_id": user_id, "view": build_home(shown, names)}
        return payload

    def _document(self, coe_id: int, user_id: str) -> dict[str, Any]:
        document = documents.for_upload(self._rt, coe_id)
        key = coe_key(coe_id)
        return {
            "channel": document.channel_id,
            "thread_ts": document.thread_ts,
            "filename": f"{key}.md",
            "title": f"{key}: {clip(document.problem, 200)}",
            "content": document.markdown,
            "initial_comment": f"{key} as a document, exported by <@{user_id}>.",
            # Not sent to Slack: whom to tell, and about what, if it cannot be shared.
            "user_id": user_id,
            "key": key,
        }

    def _thread(
        self,
        coe: Coe,
        message: dict[str, Any],
        on_behalf_of: str | None = None,
        what: str = "",
    ) -> int:
        return thread_posts.in_thread(
            self._rt,
            self._in_transaction(),
            channel_id=coe.channel_id,
            thread_ts=coe.parent_ts,
            message=message,
            on_behalf_of=on_behalf_of,
            what=what,
        )

    def _in_transaction(self) -> Session:
        if self._session is None:
            raise RuntimeError("queueing a message needs the transaction: rt.say(session)")
        return self._session


def _id(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
