"""A tree the team can steer, driven the way Slack drives the bot: a :x: takes back a reply the
bot took as an answer, `answer:` records one it took for conversation, `#n why:` and `#0 why:`
ask about an earlier answer or the problem, an action item can wait for its date, and
`timeline:` lines go into the document."""

from __future__ import annotations

import json

from tests.conftest import Bot, Clock
from tests.fake_slack import FakeSlack
from tests.scenario import (
    ANSWERS,
    THREAD,
    action,
    all_processed,
    answer,
    chain,
    confirmations,
    ephemerals,
    items,
    new_ts,
    prompts,
    recorded,
    start,
    why,
)

TAKEN_BACK = "ballot_box_with_check"


def react(bot: Bot, fake: FakeSlack, ts: str, name: str = "x", user: str = "UCAROL") -> None:
    """Add a reaction to the thread message at `ts` and wait until the bot has handled it."""
    bot.slack.reaction(name, ts, user=user)
    fake.wait_for(lambda: all_processed(bot))


def marks(fake: FakeSlack, method: str) -> list[str]:
    return [call["timestamp"] for call in fake.calls_to(method)]


# Taking a reply back with a reaction ------------------------------------------------------------


def test_a_reaction_on_chatter_taken_as_an_answer_restores_the_tree(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    # A reply the bot took as an answer, though it is not one; the next answer goes under it.
    afk = answer(bot, fake_slack, "answer: back in 5, the vendor call is on")
    answer(bot, fake_slack, ANSWERS[1])
    assert recorded(bot) == [ANSWERS[0], "back in 5, the vendor call is on", ANSWERS[1]]
    count = len(prompts(fake_slack))
    react(bot, fake_slack, afk)
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) > count)
    # The real answer takes the place of the one taken back, and the why about it stays open.
    assert recorded(bot) == [ANSWERS[0], ANSWERS[1]]
    steps = chain(bot).answered
    assert steps[1].parent == steps[0].number and steps[1].answer == ANSWERS[1]
    assert prompts(fake_slack)[-1].startswith("Took back “back in 5, the vendor call is on”.")
    fake_slack.wait_for(lambda: afk in marks(fake_slack, "reactions.remove"))


def test_a_reaction_on_the_latest_answer_asks_its_why_again(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    latest = answer(bot, fake_slack, ANSWERS[1])
    count = len(prompts(fake_slack))
    react(bot, fake_slack, latest)
    fake_slack.wait_for(lambda: len(prompts(fake_slack)) > count)
    assert recorded(bot) == [ANSWERS[0]]
    assert prompts(fake_slack)[-1] == f"Took back “{ANSWERS[1]}”. {why(2, ANSWERS[0])}"
    fake_slack.wait_for(lambda: latest in marks(fake_slack, "reactions.remove"))


def test_other_reactions_and_reactions_on_chatter_change_nothing(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    taken = answer(bot, fake_slack, ANSWERS[0])
    chatter = new_ts()
    bot.slack.reply("thanks all", thread_ts=THREAD, ts=chatter)
    fake_slack.wait_for(lambda: all_processed(bot))
    count = len(prompts(fake_slack))
    react(bot, fake_slack, taken, name="thumbsup")
    react(bot, fake_slack, chatter)
    assert recorded(bot) == [ANSWERS[0]] and len(prompts(fake_slack)) == count
    assert marks(fake_slack, "reactions.remove") == []


def test_a_reaction_that_arrives_before_its_reply_is_recorded_still_takes_it_back(
    bot: Bot, fake_slack: FakeSlack, clock: Clock
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    bot.stop_worker()  # the reply waits, stored, while the :x: comes
    early = new_ts()
    bot.slack.reply("answer: brb", thread_ts=THREAD, ts=early)
    bot.slack.reaction("x", early, user="UCAROL")
    bot.start_worker()
    # The reaction is tried again once its reply is recorded (and marked).
    fake_slack.wait_for(lambda: early in marks(fake_slack, "reactions.add"))
    clock.advance(seconds=11)
    fake_slack.wait_for(lambda: early in marks(fake_slack, "reactions.remove"))
    assert recorded(bot) == [ANSWERS[0]]


# `answer:` ----------------------------------------------------------------------------------------


def test_answer_records_what_would_read_as_conversation(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    bot.slack.reply("no idea tbh", thread_ts=THREAD, ts=new_ts())
    answer(bot, fake_slack, "answer: no idea who owns the pool size, tbh")
    assert recorded(bot) == ["no idea who owns the pool size, tbh"]


# Asking about an earlier answer, or the problem -------------------------------------------------


def test_a_numbered_why_asks_about_that_answer_and_says_where_it_hangs(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    for text in ANSWERS:
        answer(bot, fake_slack, text)
    answer(bot, fake_slack, "#1 why: Why did monitoring not page us sooner?")
    assert prompts(fake_slack)[-1] == (
        f"This one is about #1, “{ANSWERS[0]}”. Why #5: Why did monitoring not page us sooner?"
    )
    answer(bot, fake_slack, "The pager rota had nobody on it that night.")
    steps = {step.answer: step for step in chain(bot).answered}
    assert steps["The pager rota had nobody on it that night."].parent == 1
    # `also:` goes beside the latest answer: the team's question, not the open one before it.
    answer(bot, fake_slack, "also: The alert went to an email list.")
    assert chain(bot).step(7).parent == 1


def test_why_zero_asks_about_the_problem_itself(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    answer(bot, fake_slack, "#0 why: Why did every region go down at once?")
    assert prompts(fake_slack)[-1] == (
        "This one is about the problem itself, a new branch. "
        "Why #3: Why did every region go down at once?"
    )
    answer(bot, fake_slack, "All regions share one payment cluster.")
    assert chain(bot).step(3).parent is None


def test_a_numbered_why_about_no_answer_is_explained_to_its_author(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    bot.slack.reply("#7 why: Why?", thread_ts=THREAD, user="UCAROL", ts=new_ts())
    (notice,) = fake_slack.wait_for(lambda: ephemerals(fake_slack))
    assert notice["user"] == "UCAROL" and "no answer #7" in notice["text"]


# An action item without a date ------------------------------------------------------------------


def test_an_item_without_a_date_is_recorded_and_offers_a_date(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    confirmation = action(bot, fake_slack, "action: Alarm on pool use @me", user="UCAROL")
    assert "Owner: <@UCAROL>" in confirmation and "no due date yet" in confirmation
    [item] = items(bot)
    assert (item.text, item.owner_id, item.due) == ("Alarm on pool use", "UCAROL", None)
    posted = fake_slack.posted(thread_ts=THREAD)[-1]
    picker = next(b for b in posted["blocks"] if b["type"] == "actions")
    assert picker["elements"][0]["type"] == "datepicker"
    # Listed as having no date until someone picks one.
    bot.slack.command("actions", user="UCAROL")
    listed = fake_slack.wait_for(lambda: fake_slack.calls_to("response_url"))[-1]
    assert "no due date" in listed["text"]
    bot.slack.pick_date(
        picker["elements"][0]["action_id"], picker["block_id"], "2026-12-04", user="UCAROL"
    )
    fake_slack.wait_for(lambda: items(bot)[0].due is not None)
    assert str(items(bot)[0].due) == "2026-12-04"
    fake_slack.wait_for(lambda: any("set the action item" in text for text in prompts(fake_slack)))


def test_due_in_a_reply_dates_the_writers_latest_item_without_one(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    action(bot, fake_slack, "action: Alarm on pool use", user="UCAROL")
    count = len(prompts(fake_slack))
    bot.slack.reply("due friday", thread_ts=THREAD, user="UCAROL", ts=new_ts())
    note = fake_slack.wait_for(lambda: prompts(fake_slack)[count:])[0]
    assert "set the action item “Alarm on pool use” due Fri 27 Nov 2026" in note
    assert str(items(bot)[0].due) == "2026-11-27"
    # Nothing left to date: said to its writer alone.
    bot.slack.reply("due monday", thread_ts=THREAD, user="UCAROL", ts=new_ts())
    (notice,) = fake_slack.wait_for(lambda: ephemerals(fake_slack))
    assert "no action item without a due date" in notice["text"]
    assert len(confirmations(fake_slack)) == 1


# The timeline ------------------------------------------------------------------------------------


def test_timeline_lines_are_kept_marked_and_never_an_answer(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start(bot, fake_slack)
    answer(bot, fake_slack, ANSWERS[0])
    line = new_ts()
    bot.slack.reply("timeline: 09:12 the deploy went out", thread_ts=THREAD, ts=line)
    fake_slack.wait_for(lambda: line in marks(fake_slack, "reactions.add"))
    assert recorded(bot) == [ANSWERS[0]]
    bot.slack.reply("export", thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: fake_slack.calls_to("files.completeUploadExternal"))
    (document,) = [call["content"] for call in fake_slack.calls_to("file_upload")]
    timeline = document.split("## Timeline", 1)[1].split("##", 1)[0]
    assert "- **Wed 25 Nov 2026 09:12 UTC** the deploy went out" in timeline
    assert "COE started by @Alice" in timeline and "Why \\#1 answered by @Bob" in timeline
    assert json.dumps(document).count("the deploy went out") == 1
