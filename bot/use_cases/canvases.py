"""The COE as a canvas in its channel: made when the chain closes (or on export), kept current
as the COE changes, one edit for a burst of changes; where Slack refuses it, the Markdown file
stands in for it, and the thread is told so once.

Creating and editing are Slack calls nobody waits on: they are queued here, in the caller's
transaction, and the document is written when they are sent (`content`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from bot.core.canvas import canvas_link, canvas_title, render_canvas
from bot.core.review_text import coe_key
from bot.use_cases import documents
from bot.use_cases.context import Context
from bot.use_cases.outcome import Outcome
from storage import canvases, coes
from storage.canvases import LIVE
from storage.models import Coe

# A canvas still not made this long after it was claimed never will be from that claim.
STALE_CREATION = timedelta(minutes=15)
# What made the canvas: the chain closing (the thread gets the file if Slack refuses the
# canvas) or an export (which shares the file anyway).
CHAIN, EXPORT = "chain", "export"


@dataclass(frozen=True)
class Content:
    """The canvas as the COE stands now, and where it goes."""

    channel_id: str
    thread_ts: str | None
    title: str
    markdown: str
    canvas_id: str | None


def open_canvas(
    rt: Context, session: Session, *, coe: Coe, origin: str, after: Sequence[int] = ()
) -> list[int]:
    """Queue the creation of the COE's canvas, following the messages `after`; a COE that has
    one already gets it brought up to date instead."""
    if documents.in_terminal(coe):
        return []
    now = rt.now()
    # A creation whose answer was lost, or that was given up, is made again after a while.
    if canvases.claim(session=session, coe_id=_id(coe), now=now) or canvases.claim_stale(
        session=session, coe_id=_id(coe), now=now, before=now - STALE_CREATION
    ):
        return [rt.say(session).create_canvas(coe, origin=origin, after=after)]
    return changed(rt, session, coe_id=_id(coe))


def changed(rt: Context, session: Session, *, coe_id: int) -> list[int]:
    """The COE changed: its live canvas gets an edit, which later changes join; one still being
    created is edited once it is live."""
    if canvases.changed(session=session, coe_id=coe_id) != LIVE:
        return []
    return [rt.say(session).edit_canvas(coe_id)]


def export(rt: Context, session: Session, *, coe: Coe, user_id: str) -> list[int]:
    """`export`: the document as a file in the thread, and the canvas made if there is none."""
    ids = documents.queue_upload(rt, session, coe=coe, user_id=user_id)
    return ids + open_canvas(rt, session, coe=coe, origin=EXPORT)


def exported(rt: Context, coe_id: int, outcome: Outcome) -> Outcome:
    """What `/coe export` answers: the file on its way, and the canvas's link if it has one."""
    if not outcome.ok:
        return outcome
    key = coe_key(coe_id)
    with Session(rt.engine) as session:
        canvas = canvases.get(session=session, coe_id=coe_id)
    if canvas is not None and canvas.state == LIVE and canvas.link:
        where = f"Its canvas, kept up to date: <{canvas.link}|{key}>."
    elif canvas is not None and canvas.state == canvases.CREATING:
        where = "Its canvas is being made; the thread will have its link."
    else:
        where = "Slack would not make a canvas for it here, so the file is the document."
    text = f"Uploading {key} to its thread as a document. {where}"
    return Outcome(True, text, message_ids=outcome.message_ids)


def content(rt: Context, coe_id: int) -> Content:
    """The canvas's title and Markdown as the COE stands now; looks people up in Slack, so no
    transaction may be open."""
    coe, doc = documents.looked_up(rt, coe_id)
    with Session(rt.engine) as session:
        canvas = canvases.get(session=session, coe_id=coe_id)
    return Content(
        channel_id=coe.channel_id,
        thread_ts=coe.parent_ts,
        title=canvas_title(doc.key, coe.problem),
        markdown=render_canvas(doc),
        canvas_id=canvas.canvas_id if canvas and canvas.state == LIVE else None,
    )


def created(rt: Context, coe_id: int, *, canvas_id: str) -> list[int]:
    """Slack made the canvas: record it, and edit it at once if the COE changed meanwhile."""

    def record(session: Session) -> list[int]:
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        link = canvas_link(coe.permalink, coe.team_id, canvas_id)
        dirty = canvases.set_live(
            session=session, coe_id=coe_id, canvas_id=canvas_id, link=link, now=rt.now()
        )
        return [rt.say(session).edit_canvas(coe_id)] if dirty else []

    return rt.transact(record)


def edited(rt: Context, coe_id: int) -> None:
    rt.transact(lambda session: canvases.mark_edited(session=session, coe_id=coe_id, now=rt.now()))


def refused(rt: Context, coe_id: int, *, reason: str, origin: str | None) -> list[int]:
    """Slack refused to create (`origin` given) or to edit the canvas: the thread is told once
    that the document stays a Markdown file, and gets the file if nothing else shares it."""

    def record(session: Session) -> list[int]:
        if not canvases.refuse(session=session, coe_id=coe_id, reason=reason):
            return []
        coe = coes.get_coe(session=session, coe_id=coe_id)
        assert coe is not None
        key = coe_key(coe_id)
        if origin is None:
            text = (
                f"Slack no longer lets me edit {key}'s canvas ({reason}), so it stays as it was. "
                f"The COE document stays a Markdown file: `export` here shares the latest."
            )
        else:
            text = (
                f"Slack would not make a canvas for {key} here ({reason}), so the COE document "
                f"stays a Markdown file in this thread; `export` shares the latest."
            )
        ids = [rt.say(session).note(coe, text)]
        if origin == CHAIN:
            ids.append(rt.say(session).upload_document(coe_id=coe_id, user_id=coe.facilitator_id))
        return ids

    return rt.transact(record)


def links(session: Session, coe_ids: Sequence[int]) -> dict[int, str]:
    """The link of each of these COEs' canvases, where it is live."""
    return canvases.links(session=session, coe_ids=list(coe_ids))


def _id(coe: Coe) -> int:
    assert coe.id is not None
    return coe.id
