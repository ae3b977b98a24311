"""The COE's tree of causes as a picture: the document's causes made into the picture's nodes.

Pure: the same `CoeDocument` the Markdown file is written from goes in, so the picture and the
file always show the same tree, numbered as the thread numbers it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.document import Cause, CoeDocument, Item, root_causes
from bot.core.picture import PictureNode, render_tree_png
from bot.core.slack_markup import slack_to_plain


def picture_nodes(doc: CoeDocument) -> list[PictureNode]:
    """The whys as the picture's nodes: answers in plain text, human-error steps marked, root
    causes no action item addresses marked as weak spots, angle branches labelled with their
    question."""
    weak = _unaddressed(doc.causes, doc.items)

    def node(cause: Cause) -> PictureNode:
        return PictureNode(
            number=cause.number,
            text=slack_to_plain(cause.answer, doc.names),
            human_error=cause.human_error,
            unaddressed=cause.number in weak,
            edge_label=slack_to_plain(cause.branch, doc.names) if cause.branch else None,
            children=tuple(node(child) for child in cause.children),
        )

    return [node(cause) for cause in doc.causes]


def _unaddressed(causes: Sequence[Cause], items: Sequence[Item]) -> set[int]:
    """The numbers of the root causes that no action item (open or done) addresses."""
    addressed = {item.why_number for item in items if item.status != "dropped"}
    return {cause.number for cause in root_causes(causes) if cause.number not in addressed}


def render_picture(doc: CoeDocument) -> bytes:
    """The tree of causes as PNG bytes, titled with the COE's key."""
    problem = slack_to_plain(doc.problem, doc.names)
    return render_tree_png(problem, picture_nodes(doc), title=doc.key)


def picture_filename(key: str) -> str:
    """The file the picture of COE `key` goes in: `COE-12-tree.png`."""
    return f"{key}-tree.png"
