"""The picture of a COE's tree of causes: made from what the review recorded, shared in the
thread after the chain summary, and drawn by `coe-bot export --png` and `coe-bot try`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.cause_picture import picture_nodes, render_picture
from bot.core.document import Cause, CoeDocument, Item
from bot.core.picture import MAX_HEIGHT, MAX_WIDTH, PictureNode
from tests.conftest import Bot
from tests.fake_slack import FakeSlack
from tests.picture_pixels import boxes, picture
from tests.processes import clean_env, coe_bot
from tests.scenario import THREAD, answer, start
from tests.test_coe_document_in_slack import finish

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def document(causes: tuple[Cause, ...], items: tuple[Item, ...] = ()) -> CoeDocument:
    return CoeDocument(
        key="COE-7",
        problem="Checkout was down for <@UALICE>",
        status="chain complete",
        facilitator_id="UALICE",
        participant_ids=(),
        started_at=datetime(2026, 11, 25, tzinfo=UTC),
        chain_closed_at=None,
        impact=(),
        causes=causes,
        items=items,
        lessons=(),
        thread_link=None,
        names={"UALICE": "Alice", "UCAROL": "Carol"},
    )


def cause(number: int, answer: str, *children: Cause, **marks: object) -> Cause:
    return Cause(number, f"Why {number}?", answer, "UBOB", children=children, **marks)  # type: ignore[arg-type]


def item(why_number: int, status: str = "open") -> Item:
    return Item("Add a limit", "UBOB", None, status, "prevent", "high", why_number)


def test_the_nodes_follow_the_thread_s_numbers_and_marks() -> None:
    tree = (
        cause(
            1,
            "The pool ran out.",
            cause(
                2,
                "<@UCAROL> halved it by hand.",
                cause(4, "No review of pool sizes."),
                human_error=True,
            ),
            cause(3, "Nobody was paged."),
        ),
        cause(5, "Nobody looked at the graph.", branch="Why didn't we notice sooner?"),
    )
    # #4 is addressed; #3 only by a dropped item, so it is still a weak spot; #5 by nothing.
    nodes = picture_nodes(document(tree, (item(4), item(3, "dropped"))))
    assert [node.number for node in nodes] == [1, 5]
    first, angle = nodes
    halved, paged = first.children
    assert halved == PictureNode(
        2,
        "@Carol halved it by hand.",
        human_error=True,
        children=(PictureNode(4, "No review of pool sizes."),),
    )
    assert paged.unaddressed and not first.unaddressed
    assert angle.edge_label == "Why didn't we notice sooner?" and angle.unaddressed


def test_thirty_whys_of_a_review_fit_the_bounds() -> None:
    chain: Cause | None = None
    for number in range(30, 0, -1):
        long = f"Answer {number}: " + "the connection pool ran dry again " * 90
        chain = cause(number, long, *((chain,) if chain else ()))
    assert chain is not None
    png = render_picture(document((chain, cause(31, "Ünïcødé 数据库 🚀 \ud800"))))
    image = picture(png)
    assert image.width <= MAX_WIDTH and image.height <= MAX_HEIGHT
    assert len(boxes(image)) == 31


def pictures_shared(fake: FakeSlack) -> list[bytes]:
    """The PNG files uploaded so far."""
    uploads = fake.calls_to("binary_upload")
    return [call["bytes"] for call in uploads if call["bytes"].startswith(PNG_SIGNATURE)]


def test_a_closed_chain_shares_a_picture_of_its_tree_after_the_summary(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, "The payment service ran out of database connections.")
    answer(bot, fake_slack, "A deploy halved the connection pool.")
    finish(bot, fake_slack)
    shared = fake_slack.wait_for(lambda: fake_slack.shared_files("CINC", THREAD))
    (png,) = pictures_shared(fake_slack)
    image = picture(png)
    assert len(boxes(image)) == 2
    (complete,) = fake_slack.calls_to("files.completeUploadExternal")
    assert complete["channel_id"] == "CINC" and complete["thread_ts"] == THREAD
    assert shared[0]["title"] == "COE-1: the tree of causes"
    # In the thread, the picture comes after the summary.
    thread = [m for m in fake_slack.messages if m.get("thread_ts") == THREAD]
    summary = next(i for i, m in enumerate(thread) if "chain of whys" in (m.get("text") or ""))
    with_file = next(i for i, m in enumerate(thread) if m.get("files"))
    assert summary < with_file


def test_export_png_writes_the_picture_and_try_draws_one_at_the_end(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'try.db'}", USER="dana")
    session = "Bedtime went wrong\nThere is no routine on school nights.\ndone\ndone\nquit\n"
    result = coe_bot("try", env=env, input=session, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    drawn = tmp_path / "COE-1-tree.png"
    assert f"The tree of causes as a picture: {drawn}" in result.stdout.splitlines()
    assert len(boxes(picture(drawn.read_bytes()))) == 1

    exported = coe_bot("export", "COE-1", "--png", str(tmp_path / "out.png"), env=env)
    assert exported.returncode == 0, exported.stderr
    assert len(boxes(picture((tmp_path / "out.png").read_bytes()))) == 1
    missing = coe_bot("export", "COE-9", "--png", str(tmp_path / "none.png"), env=env)
    assert missing.returncode == 1 and not (tmp_path / "none.png").exists()
