"""`/coe list` and `/coe list all`: which COEs, in what order, saying what, in what size."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from bot.core.review_text import thread_link
from tests.conftest import Bot
from tests.fake_slack import Call, FakeSlack
from tests.follow_up import add_coe, add_item
from tests.scenario import THREAD, ack_body, listing, responses

DUE = date(2026, 12, 4)


def lines(answer: Call) -> list[str]:
    """Each listed COE's text, in order."""
    text = "\n".join(
        block["text"]["text"] for block in answer["blocks"] if block["type"] == "section"
    )
    return re.findall(r"\*COE-\d+\*.*\n.*", text)


def test_list_shows_this_channels_coes_open_ones_first_with_status_and_link(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    # COE-1 through the thread, at why #2; COE-2 with its chain complete; COE-3 closed.
    bot.slack.command("start Checkout was down")
    fake_slack.wait_for(lambda: fake_slack.posted(thread_ts=THREAD))
    bot.slack.reply("The deploy broke it.", thread_ts=THREAD, user="UBOB")
    fake_slack.wait_for(lambda: len(fake_slack.posted(thread_ts=THREAD)) == 2)
    done = add_coe(
        bot.rt,
        "CINC",
        "Search was slow",
        status="chain_done",
        whys=("A query scanned the whole table.",),
        facilitator="UBOB",
    )
    add_item(bot.rt, done, "UCAROL", DUE, "Add an index")
    add_item(bot.rt, done, "UCAROL", DUE, "Cache results")
    add_item(bot.rt, done, "UCAROL", DUE, "Done already", status="done")
    closed = add_coe(
        bot.rt,
        "CINC",
        "Mail bounced",
        closed_at=bot.rt.now() - timedelta(days=1),
        permalink="https://acme.slack.com/archives/CINC/p1690000000000099",
    )
    add_coe(bot.rt, "COTHER", "Elsewhere")

    answer = listing(bot, fake_slack, "list")

    assert answer["response_type"] == "ephemeral"
    assert "COEs in this channel (3)" in answer["text"]
    first, second, third = lines(answer)
    assert first.startswith(f"*COE-{done}* Search was slow\nchain complete")
    assert "facilitator <@UBOB>" in first and "2 open items" in first
    assert second.startswith("*COE-1* Checkout was down\nasking why #2")
    assert "facilitator <@UALICE>" in second and "0 open items" in second
    # The permalink Slack gave when the parent was posted.
    assert f"<https://acme.slack.com/archives/CINC/p{THREAD.replace('.', '')}|thread>" in second
    assert third.startswith(f"*COE-{closed}* Mail bounced\nclosed")
    assert "<https://acme.slack.com/archives/CINC/p1690000000000099|thread>" in third
    # This channel's list does not name the channel on every line.
    assert "<#CINC>" not in json.dumps(answer["blocks"])
    assert "Elsewhere" not in json.dumps(answer.params)


def test_the_link_is_slacks_permalink_else_one_made_from_the_parent_ts() -> None:
    assert thread_link("CINC", "1700000000.000001", None) == (
        "https://slack.com/archives/CINC/p1700000000000001"
    )
    permalink = "https://acme.slack.com/archives/CINC/p1"
    assert thread_link("CINC", "1700000000.000001", permalink) == permalink
    assert thread_link("CINC", None, None) is None


def test_list_all_names_each_coes_channel(bot: Bot, fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("CINC", members=("UALICE",))
    fake_slack.add_channel("CDB", members=("UALICE",))
    add_coe(bot.rt, "CINC", "The site went down")
    add_coe(bot.rt, "CDB", "Backups failed")

    answer = listing(bot, fake_slack, "list all")

    assert "COEs in your channels (2)" in answer["text"]
    first, second = lines(answer)
    assert first.startswith("*COE-2* Backups failed") and "in <#CDB>" in first
    assert second.startswith("*COE-1* The site went down") and "in <#CINC>" in second


def test_a_channel_without_coes_says_how_to_start_one(bot: Bot, fake_slack: FakeSlack) -> None:
    answer = listing(bot, fake_slack, "list")
    assert "COEs in this channel: none yet" in answer["text"] and "/coe start" in answer["text"]


def test_a_long_problem_is_clipped_and_a_broadcast_in_it_notifies_nobody(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    add_coe(bot.rt, "CINC", "<!channel> " + "x" * 400)
    [line] = lines(listing(bot, fake_slack, "list"))
    problem = line.split("\n")[0].removeprefix("*COE-1* ")
    assert problem.startswith("@channel xx") and problem.endswith("…") and len(problem) == 150


def test_list_in_a_direct_message_points_to_a_channel_or_list_all(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    status, body = bot.slack.command("list", channel="D0DIRECT", channel_name="directmessage")
    assert status == 200
    assert "/coe list all" in ack_body(body)["text"]
    assert responses(fake_slack) == []


def test_list_with_something_else_says_what_works(bot: Bot) -> None:
    status, body = bot.slack.command("list everything")
    assert status == 200
    text = ack_body(body)["text"]
    assert "`/coe list everything`" in text and "`/coe list all`" in text


def test_a_long_list_comes_in_a_few_messages_within_slacks_limits(
    bot: Bot, fake_slack: FakeSlack
) -> None:
    for number in range(150):
        add_coe(bot.rt, "CINC", f"Outage {number:03d} " + "y" * 200)

    bot.slack.command("list")
    fake_slack.wait_for(lambda: any("not shown" in page["text"] for page in responses(fake_slack)))

    pages = responses(fake_slack)
    assert 1 < len(pages) <= 4
    listed = [line for page in pages for line in lines(page)]
    numbers = [int(line.split("*")[1].removeprefix("COE-")) for line in listed]
    # The newest first, none twice; what did not fit is counted at the end.
    assert numbers == list(range(150, 150 - len(numbers), -1))
    assert f"part 1 of {len(pages)}" in pages[0]["text"]
    more = pages[-1]["blocks"][-1]["elements"][0]["text"]
    assert more == f"…and {150 - len(numbers)} more not shown."
    for page in pages:
        assert len(page["blocks"]) <= 50
        texts = [block["text"]["text"] for block in page["blocks"] if block["type"] == "section"]
        assert all(len(text) <= 3000 for text in texts) and sum(map(len, texts)) <= 12_000
