"""What people wrote is never a ping, a link or markup when the bot repeats it, wherever it goes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from bot.runtime import jobs
from bot.runtime.context import Runtime
from bot.slack.reading import display_name
from storage import users as user_cache
from storage.models import SlackUser
from tests.conftest import Bot, Clock
from tests.fake_slack import Call, FakeSlack
from tests.follow_up import add_coe, add_item, make_runtime
from tests.scenario import (
    THREAD,
    abandon_lost_reply,
    action,
    click,
    ephemerals,
    form_values,
    listing,
    new_ts,
    note_count,
    start_review,
    wait_for_note,
)

# What a new user typed, as Slack sends it: a broadcast, a user group, a person, a link, and
# `<`, `>` and `&` escaped by Slack.
HOSTILE = (
    "<!channel> ask <!subteam^S0123ABC|@oncall> and <@UBOB> about "
    "<https://status.example.com|the status page> &amp; the &lt;db&gt;"
)
SAFE = "@channel ask @oncall and @Bob about <https://status.example.com|the status page> " + (
    "&amp; the &lt;db&gt;"
)
PINGS = ("<!channel>", "<!subteam", "<@UBOB>", "<!here>")
WED = date(2026, 11, 25)


def pings_in(value: object, pings: tuple[str, ...] = PINGS) -> list[str]:
    """The pings hidden anywhere in a payload: text, blocks or a view."""
    dumped = json.dumps(value, ensure_ascii=False)
    return [ping for ping in pings if ping in dumped]


def learn_bob(bot: Bot) -> None:
    with Session(bot.rt.engine) as session:
        user_cache.save_user(
            session=session,
            user_id="UBOB",
            name="Bob",
            tz="America/New_York",
            is_bot=False,
            deleted=False,
            now=bot.rt.now(),
        )
        session.commit()


@pytest.fixture
def rt(fake_slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = make_runtime(fake_slack, database_url, clock)
    yield runtime
    runtime.engine.dispose()


# Names ------------------------------------------------------------------------------------------


def test_a_mentioned_person_is_looked_up_once_and_cached_under_their_display_name(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack, answers=1)
    bot.slack.reply("<@UCAROL> ran the script", thread_ts=THREAD, user="UBOB", ts=new_ts())
    fake_slack.wait_for(lambda: [c for c in fake_slack.calls_to("users.info")])
    bot.slack.reply(
        "<@UCAROL> had no dry-run mode to try it", thread_ts=THREAD, user="UBOB", ts=new_ts()
    )
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts=THREAD)) == 4)
    assert [call["user"] for call in fake_slack.calls_to("users.info")] == ["UCAROL"]
    with Session(bot.rt.engine) as session:
        cached = session.get(SlackUser, "UCAROL")
        assert cached is not None and (cached.name, cached.tz) == ("Carol", "Asia/Tokyo")


def test_a_name_is_the_display_name_else_the_full_name_else_the_username() -> None:
    assert display_name({"name": "ana", "profile": {"display_name": "Ana", "real_name": "A B"}})
    assert display_name({"name": "ana", "profile": {"display_name": " ", "real_name": "A B"}}) == (
        "A B"
    )
    assert display_name({"name": "ana", "real_name": "Ana B", "profile": {}}) == "Ana B"
    assert display_name({"name": "ana"}) == "ana"
    assert display_name({}) is None


# Action items ----------------------------------------------------------------------------------


def test_an_action_items_confirmation_quotes_it_without_pinging_anyone(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    confirmation = action(bot, fake_slack, f"action: {HOSTILE} <@UCAROL> due 2026-12-04")
    assert f"“{SAFE}”" in confirmation
    [posted] = [c for c in fake_slack.posted(thread_ts=THREAD) if c["text"] == confirmation]
    assert pings_in(posted.params) == []
    # The bot's own mentions still notify: the owner and whoever added the item.
    assert "Owner: <@UCAROL>" in confirmation and "<@UALICE> added" in confirmation


def test_the_why_an_item_addresses_is_quoted_without_pings(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack, answers=0)
    # A request to someone reads as conversation: `answer:` records it as an answer.
    bot.slack.reply(f"answer: {HOSTILE}", thread_ts=THREAD, user="UCAROL", ts=new_ts())
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts=THREAD)) == 2)
    confirmation = action(bot, fake_slack, "action: Add an alarm due 2026-12-04")
    assert f"Addresses Why #1: “{SAFE}”" in confirmation


def test_status_notes_and_the_drop_reason_quote_without_pings(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    action(bot, fake_slack, f"action: {HOSTILE} <@UCAROL> due 2026-12-04")
    before = note_count(fake_slack)
    answer = click(bot, fake_slack, "coe_item_snooze", "1", user="UCAROL")
    assert f"“{SAFE}”" in answer["text"] and pings_in(answer.params) == []
    assert pings_in(wait_for_note(fake_slack, before)) == []

    reason = {"reason": {"reason": {"type": "plain_text_input", "value": "<!here> & <@UBOB>"}}}
    before = note_count(fake_slack)
    _, body = bot.slack.view_submission(
        "coe_drop_action_item_form", reason, private_metadata="1", user="UCAROL"
    )
    result = json.loads(body)["view"]
    assert pings_in(result) == [] and "Reason: @here &amp; @Bob" in json.dumps(result)
    note = wait_for_note(fake_slack, before)
    assert f"“{SAFE}”" in note and "Reason: @here &amp; @Bob" in note
    assert pings_in(fake_slack.posted(thread_ts=THREAD)[-1].params) == []


def test_the_drop_form_shows_the_item_without_pings(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    action(bot, fake_slack, f"action: {HOSTILE} <@UCAROL> due 2026-12-04")
    bot.slack.action("coe_item_drop", "1", user="UCAROL")
    # The listener opens the form at once; the worker fills it in.
    [filled] = fake_slack.wait_for_calls("views.update", 1)
    assert pings_in(filled["view"]) == [] and SAFE in json.dumps(filled["view"])


def test_the_add_form_offers_the_whys_as_plain_text_with_names(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack, answers=0)
    bot.slack.reply("<@UBOB|bob> ran <!here> a script", thread_ts=THREAD, ts=new_ts())
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts=THREAD)) == 2)
    bot.slack.action("coe_add_action_item", "1", user="UALICE")
    [filled] = fake_slack.wait_for_calls("views.update", 1)
    why = next(b for b in filled["view"]["blocks"] if b.get("block_id") == "why")["element"]
    assert [o["text"]["text"] for o in why["options"]] == ["Why #1: “@Bob ran @here a script”"]
    assert why["options"][0]["text"]["type"] == "plain_text"


def test_a_form_submitted_item_is_confirmed_without_pings(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    # Text typed into a modal arrives as typed: `<` and `&` are not escaped by Slack.
    typed = "<!everyone> <@UBOB> check a < b & c"
    bot.slack.view_submission(
        "coe_add_action_item_form",
        form_values(description={"value": typed}),
        private_metadata="1",
        user="UALICE",
    )
    [posted] = fake_slack.wait_for(
        lambda: [c for c in fake_slack.posted(thread_ts=THREAD) if "added an action" in c["text"]]
    )
    assert "“@everyone @Bob check a &lt; b &amp; c”" in posted["text"]
    assert pings_in(posted.params) == []


def test_coe_actions_lists_items_without_pings(bot: Bot, fake_slack: FakeSlack) -> None:
    start_review(bot, fake_slack)
    action(bot, fake_slack, f"action: {HOSTILE} <@UALICE> due 2026-12-04")
    answer = listing(bot, fake_slack, "actions all")
    assert SAFE in answer["text"] and pings_in(answer.params) == []


def test_an_unreadable_due_date_is_quoted_back_without_pings(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack)
    bot.slack.reply("action: Fix it due <!channel> soon", thread_ts=THREAD, ts=new_ts())
    [told] = fake_slack.wait_for(lambda: ephemerals(fake_slack))
    assert "I can't read “@channel soon” as a date" in told["text"]
    assert pings_in(told.params) == []


def test_an_abandoned_reply_is_quoted_back_to_its_author_without_pings(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack, answers=0)
    learn_bob(bot)
    abandon_lost_reply(bot, "UCAROL", HOSTILE)
    [told] = fake_slack.calls_to("chat.postEphemeral")
    assert pings_in(told.params) == [] and "@channel ask @oncall and @Bob" in told["text"]


# Follow-up -------------------------------------------------------------------------------------


def with_hostile_item(rt: Runtime, due: date) -> int:
    with Session(rt.engine) as session:
        user_cache.save_user(
            session=session,
            user_id="UBOB",
            name="Bob",
            tz="Europe/London",
            is_bot=False,
            deleted=False,
            now=rt.now(),
        )
        session.commit()
    coe = add_coe(rt, "CINC", f"Outage {HOSTILE}", whys=(HOSTILE,))
    return add_item(rt, coe, "UBOB", due, HOSTILE, why_number=1)


def test_a_nudge_quotes_the_item_its_coe_and_its_why_without_pings(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    with_hostile_item(rt, WED - timedelta(days=2))
    jobs.nudge(rt)
    [dm] = [call for call in fake_slack.posted() if call["channel"] == "UBOB"]
    assert pings_in(dm.params) == []
    assert SAFE in dm["text"] and f"Addresses why #1: {SAFE}" in json.dumps(dm["blocks"])


def test_the_digest_quotes_items_and_problems_without_pings(
    rt: Runtime, fake_slack: FakeSlack
) -> None:
    coe = add_coe(rt, "CINC", f"Outage {HOSTILE}")
    with_hostile_item(rt, WED + timedelta(days=3))
    done_in_period = rt.now() - timedelta(days=3)
    add_item(rt, coe, "UALICE", WED, f"Done {HOSTILE}", status="done", closed_at=done_in_period)
    jobs.digest(rt)
    posted: list[Call] = fake_slack.posted("CINC")
    # The digest's own mention of each owner is the point of it: that one stays.
    broadcasts = ("<!channel>", "<!subteam", "<!here>")
    assert posted and all(pings_in(call.params, broadcasts) == [] for call in posted)
    text = json.dumps([call["blocks"] for call in posted], ensure_ascii=False)
    assert text.count(SAFE) >= 4  # the open item, the done one, and both problems
    assert "<@UBOB>" in text.replace(SAFE, "")


# The 5-Whys messages ------------------------------------------------------------------------


def test_a_why_prompt_and_the_chain_quote_answers_without_pings(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    start_review(bot, fake_slack, answers=0)
    bot.slack.reply(f"answer: {HOSTILE}", thread_ts=THREAD, user="UCAROL", ts=new_ts())
    [prompt] = fake_slack.wait_for(
        lambda: [c for c in fake_slack.posted(thread_ts=THREAD) if "Why #2" in c["text"]]
    )
    bot.slack.reply("done", thread_ts=THREAD, user="UCAROL", ts=new_ts())  # angles offered
    bot.slack.reply("done", thread_ts=THREAD, user="UCAROL", ts=new_ts())
    [chain] = fake_slack.wait_for(
        lambda: [c for c in fake_slack.posted(thread_ts=THREAD) if "chain of whys" in c["text"]]
    )
    assert SAFE in prompt["text"] and pings_in(prompt.params) == []
    assert SAFE in chain["text"] and pings_in(chain.params, PINGS[:2]) == []


def test_the_parent_header_shows_names_not_markup(bot: Bot, fake_slack: FakeSlack) -> None:
    bot.slack.command("start <@UBOB|bob> ran <!subteam^S1|@ops> a script")
    [parent, *_] = fake_slack.wait_for_calls("chat.postMessage", 2)
    assert parent["blocks"][0]["text"]["text"] == "@Bob ran @ops a script"
    assert pings_in(parent.params) == []
