"""The COE document in Slack, related COEs, closing and reopening, and `/coe help`."""

from __future__ import annotations

import json

from tests.conftest import Bot
from tests.fake_slack import Call, FakeSlack
from tests.scenario import THREAD, answer, new_ts, prompts, recorded, start


def finish(bot: Bot, fake: FakeSlack) -> None:
    """Out of ideas, and no to the angles offered: the chain summary is posted."""
    answer(bot, fake, "done")
    if "chain of whys" not in prompts(fake)[-1]:
        answer(bot, fake, "done")


def uploaded(fake: FakeSlack, count: int = 1) -> list[str]:
    """The contents of the documents uploaded so far, once `count` of them were shared (the
    picture of the tree, shared with the chain summary, is not one)."""

    def shared() -> int:
        documents = {call["file_id"] for call in fake.calls_to("file_upload")}
        completions = fake.calls_to("files.completeUploadExternal")
        return sum(1 for c in completions if {f["id"] for f in files_of(c)} <= documents)

    fake.wait_for(lambda: shared() >= count)
    return [call["content"] for call in fake.calls_to("file_upload")]


def files_of(completion: Call) -> list[dict[str, str]]:
    files = completion["files"]
    return json.loads(files) if isinstance(files, str) else files


def test_export_in_the_thread_uploads_the_document_to_it(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, "The pool ran out.", user="UCAROL")
    bot.slack.reply("impact: 40 minutes without checkout", thread_ts=THREAD, ts=new_ts())
    bot.slack.reply("export", thread_ts=THREAD, ts=new_ts())
    (document,) = uploaded(fake_slack)
    assert document.startswith("# COE-1: Checkout was down for 40 minutes")
    assert "The pool ran out." in document and "Carol" in document and "<@UCAROL>" not in document
    assert "- 40 minutes without checkout" in document
    (complete,) = fake_slack.calls_to("files.completeUploadExternal")
    assert complete["channel_id"] == "CINC" and complete["thread_ts"] == THREAD


def test_the_export_button_and_the_command_upload_it_too(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, "The pool ran out.")
    finish(bot, fake_slack)
    summary = fake_slack.posted(thread_ts=THREAD)[-1]
    export = next(e for e in summary["blocks"][-1]["elements"] if e["action_id"] == "coe_export")
    bot.slack.action("coe_export", export["value"])
    uploaded(fake_slack, 1)
    bot.slack.command("export COE-1")
    assert len(uploaded(fake_slack, 2)) == 2
    bot.slack.command("export")  # the channel's latest
    assert len(uploaded(fake_slack, 3)) == 3
    responses = [c["text"] for c in fake_slack.calls_to("response_url")]
    assert responses[-1].startswith("Uploading COE-1 to its thread as a document. Its canvas")


def test_exporting_an_unknown_coe_says_so(bot: Bot, fake_slack: FakeSlack) -> None:
    bot.slack.command("export COE-9")
    (response,) = fake_slack.wait_for(lambda: fake_slack.calls_to("response_url"))
    assert "There is no COE-9" in response["text"]
    status, body = bot.slack.command("export nine")
    assert status == 200 and "/coe export COE-12" in body


def test_only_the_facilitator_closes_and_a_closed_coe_takes_no_answers(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, "The pool ran out.")
    bot.slack.command("close COE-1", user="UBOB")
    refused = fake_slack.wait_for(lambda: fake_slack.calls_to("response_url"))[-1]
    assert refused["text"] == "Only COE-1's facilitator, <@UALICE>, can close it."

    bot.slack.command("close COE-1", user="UALICE")
    fake_slack.wait_for(lambda: any("closed COE-1" in t for t in prompts(fake_slack)))
    bot.slack.reply("A deploy halved the pool.", thread_ts=THREAD, user="UBOB", ts=new_ts())
    bot.slack.reply("undo", thread_ts=THREAD, user="UBOB", ts=new_ts())
    (notice,) = fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"))
    assert "COE-1 is closed" in notice["text"] and "/coe reopen COE-1" in notice["text"]
    assert recorded(bot) == ["The pool ran out."]

    bot.slack.command("reopen COE-1", user="UALICE")
    fake_slack.wait_for(lambda: any("reopened COE-1" in t for t in prompts(fake_slack)))
    answer(bot, fake_slack, "A deploy halved the pool.")
    assert recorded(bot) == ["The pool ran out.", "A deploy halved the pool."]


def test_help_lists_every_command_and_thread_keyword(bot: Bot, fake_slack: FakeSlack) -> None:
    status, body = bot.slack.command("help")
    assert status == 200
    for word in [
        "/coe start",
        "/coe actions",
        "/coe list",
        "/coe export",
        "/coe close",
        "/coe reopen",
        "/coe help",
        "`// …`",
        "`answer: …`",
        ":x:",
        "`why: <question>`",
        "`#3 why: <question>`",
        "`#0 why: <question>`",
        "`also: <cause>`",
        "`#2 also: <cause>`",
        "`undo`",
        "`done`",
        "`action: <what> @owner due <date>`",
        "`action #3: …`",
        "`@me`",
        "`due <date>`",
        "`impact: …`",
        "`lesson: …`",
        "`timeline: <time> <what happened>`",
        "`export`",
    ]:
        assert word in body, word


def test_a_chain_names_earlier_coes_with_similar_causes(bot: Bot, fake_slack: FakeSlack) -> None:
    first = start(bot, fake_slack, "Disk full on db-1")
    answer(bot, fake_slack, "Nobody is paged when the disk fills up.", thread_ts=first)
    finish_in(bot, fake_slack, first)
    second = start(bot, fake_slack, "Disk full on db-2")
    answer(bot, fake_slack, "There is no alert when the disk is full.", thread_ts=second)
    finish_in(bot, fake_slack, second)
    summary = json.dumps(fake_slack.posted(thread_ts=second)[-1]["blocks"])
    assert "Similar causes in" in summary and "COE-1" in summary
    # ...and an unrelated one names none.
    third = start(bot, fake_slack, "Login broke")
    answer(bot, fake_slack, "The certificate expired on Sunday.", thread_ts=third)
    finish_in(bot, fake_slack, third)
    assert "Similar causes" not in json.dumps(fake_slack.posted(thread_ts=third)[-1]["blocks"])


def finish_in(bot: Bot, fake: FakeSlack, thread_ts: str) -> None:
    answer(bot, fake, "done", thread_ts=thread_ts)
    if "chain of whys" not in prompts(fake, thread_ts)[-1]:
        answer(bot, fake, "done", thread_ts=thread_ts)


def test_people_mentioned_in_answers_appear_by_name_in_the_document(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, "The pager of <@UCAROL> was silenced by the maintenance window.")
    bot.slack.reply("export", thread_ts=THREAD, ts=new_ts())
    (document,) = uploaded(fake_slack)
    assert "pager of @Carol was silenced" in document and "<@UCAROL>" not in document
