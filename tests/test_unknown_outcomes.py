"""When Slack did a call but its answer never reached the bot, nothing is done a second time:
not by the Slack client on its own, and not by the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.slack import delivery
from tests.conftest import Bot, Clock, run_bot
from tests.fake_slack import FakeSlack
from tests.follow_up import add_coe, add_item, make_runtime
from tests.scenario import THREAD, answer, click, new_ts, outbox_rows, start, start_review


@pytest.fixture
def rt(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, each_database_url, clock)
    yield runtime
    runtime.engine.dispose()


def test_a_nudge_slack_took_but_never_answered_is_not_posted_again(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    add_item(rt, add_coe(rt), "UALICE", date(2026, 11, 20), "Add an alarm")
    fake_slack.lose_answer("chat.postMessage", channel="UALICE")

    (sent,) = jobs.nudge(rt)

    assert len(fake_slack.posted("UALICE")) == 1 and fake_slack.unanswered == 1
    assert sent.status == "unknown"
    assert [row.status for row in outbox_rows(rt)] == ["unknown"]


def test_a_form_slack_opened_but_never_confirmed_is_not_opened_again(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    fake_slack.lose_answer("views.open")

    answer = click(bot, fake_slack, "coe_add_action_item", "1", user="UBOB")

    # One modal, opened before the ack: a second try could only miss the trigger's 3 seconds.
    assert len(fake_slack.calls_to("views.open")) == 1
    assert "click again" in answer["text"]


def test_an_answer_to_a_command_slack_took_but_never_confirmed_is_not_sent_again(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.lose_answer("response_url")
    bot.slack.command("list")
    # Not confirmed, so the answer also goes by direct message; the ephemeral is not repeated.
    fake_slack.wait_for(lambda: fake_slack.posted("UALICE"))
    assert len(fake_slack.calls_to("response_url")) == 1


# Exports ----------------------------------------------------------------------------------------


@pytest.fixture
def impatient_bot(fake_slack: FakeSlack, each_database_url: str, clock: Clock) -> Iterator[Bot]:
    """The bot giving up on Slack's answer after a second, so that a late one comes too late."""
    yield from run_bot(fake_slack, each_database_url, clock, slack_timeout=1)


def export(bot: Bot, fake: FakeSlack) -> None:
    """Start COE-1, answer once, and ask for the document in the thread."""
    start(bot, fake)
    answer(bot, fake, "The pool ran out.")
    bot.slack.reply("export", thread_ts=THREAD, ts=new_ts())


def upload_settled(bot: Bot) -> str:
    """What became of the export's upload once its first try is over: sent, given up, or
    waiting to be tried again ("pending")."""
    rows = [row for row in outbox_rows(bot.rt) if row.method == "files.upload_v2"]
    if (
        not rows
        or rows[0].status == "sending"
        or (rows[0].status, rows[0].attempts)
        == (
            "pending",
            0,
        )
    ):
        return ""
    return rows[0].status


def test_an_export_slack_shared_but_answered_too_late_is_in_the_thread_once(
    impatient_bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    fake_slack.answer_late("files.completeUploadExternal")
    export(impatient_bot, fake_slack)

    assert fake_slack.wait_for(lambda: upload_settled(impatient_bot)) == "sent"
    clock.advance(minutes=5)
    delivery.deliver_due(impatient_bot.rt)  # nothing left to try again
    assert fake_slack.unanswered == 1
    assert len(fake_slack.shared_files("CINC", THREAD)) == 1
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    assert fake_slack.posted("UALICE") == []  # nothing to tell: it is there


def test_an_export_whose_answer_was_lost_and_that_the_thread_does_not_show_is_told(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    fake_slack.lose_answer("files.completeUploadExternal")
    fake_slack.fail_next("conversations.replies", "internal_error")
    export(bot, fake_slack)

    (told,) = fake_slack.wait_for(lambda: fake_slack.posted("UALICE"))
    assert "did not confirm" in told["text"] and "`/coe export COE-1`" in told["text"]
    assert upload_settled(bot) == "unknown"
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1


@pytest.mark.parametrize(
    ("refusal", "says"),
    [
        ("is_archived", "<#CINC> is archived. Unarchive it and export it again"),
        ("not_in_channel", "I am not in <#CINC> any more. Invite me (`/invite @COE Bot`)"),
        ("channel_not_found", "Slack no longer shows me <#CINC>"),
    ],
)
def test_an_export_slack_refuses_for_its_channel_is_reported_to_whoever_asked(
    bot: Bot, fake_slack: FakeSlack, refusal: str, says: str
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, "The pool ran out.")
    refusing = {
        "is_archived": fake_slack.archived_channels,
        "not_in_channel": fake_slack.channels_without_bot,
        "channel_not_found": fake_slack.missing_channels,
    }[refusal]
    refusing.add("CINC")
    bot.slack.command("export COE-1", user="UBOB")

    (told,) = fake_slack.wait_for(lambda: fake_slack.posted("UBOB"))
    assert told["text"].startswith("I could not share COE-1 as a document in its thread: ")
    assert says in told["text"]
    assert fake_slack.shared_files("CINC", THREAD) == []
