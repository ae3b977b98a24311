"""The facilitator outside software, driven the way Slack drives the bot: a hospital's review and
a family's, with the chatter, blame and weak action items people write in them."""

from __future__ import annotations

from bot.core.mechanisms import WEAK_ACTION_ADVICE
from tests.conftest import Bot
from tests.fake_slack import FakeSlack
from tests.scenario import (
    THREAD,
    action,
    all_processed,
    answer,
    chain,
    new_ts,
    prompts,
    recorded,
    start,
)


def chatter(bot: Bot, fake: FakeSlack, *texts: str) -> None:
    """Replies that are conversation: each is handled, and none gets an answer."""
    count = len(prompts(fake))
    for text in texts:
        bot.slack.reply(text, thread_ts=THREAD, user="UCAROL", ts=new_ts())
    fake.wait_for(lambda: all_processed(bot))
    assert len(prompts(fake)) == count


def test_a_hospital_review(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack, "A patient on ward 4 got the wrong strength of heparin")
    assert prompts(fake_slack)[0] == (
        "Why #1: Why did a patient on ward 4 get the wrong strength of heparin?"
    )
    chatter(bot, fake_slack, "afk 5", "will check the MAR and come back", "no clue tbh")
    # A role the bot was never told about: still a person's mistake, so it asks for the mechanism.
    answer(bot, fake_slack, "The anaesthetist picked up the wrong syringe.")
    assert chain(bot).answered[0].human_error
    assert "“The anaesthetist picked up the wrong syringe.”" in prompts(fake_slack)[-1]
    assert "mistake" in prompts(fake_slack)[-1] or "past the person" in prompts(fake_slack)[-1]
    chatter(bot, fake_slack, "+1 to Maria's point", "huh, wild")
    answer(bot, fake_slack, "The two strengths come in identical syringes in the same tray.")
    assert prompts(fake_slack)[-1] == (
        "Why #3: Why do the two strengths come in identical syringes in the same tray?"
    )
    # A person named as part of a mechanism is no blame.
    answer(bot, fake_slack, "The checklist told the nurse to skip the scan at night.")
    assert [step.human_error for step in chain(bot).answered] == [True, False, False]
    assert recorded(bot) == [
        "The anaesthetist picked up the wrong syringe.",
        "The two strengths come in identical syringes in the same tray.",
        "The checklist told the nurse to skip the scan at night.",
    ]
    weak = action(bot, fake_slack, "action: Re-brief the staff on checking syringes due friday")
    assert WEAK_ACTION_ADVICE in weak
    strong = action(
        bot, fake_slack, "action: Require a scanner-enforced second check before dispensing"
    )
    assert WEAK_ACTION_ADVICE not in strong


def test_a_familys_review(bot: Bot, fake_slack: FakeSlack) -> None:
    start(bot, fake_slack, "Why did my kid stay up too late?")
    # Never a question inside a question: the problem is asked as it stands.
    assert prompts(fake_slack)[0] == "Why #1: Why did my kid stay up too late?"
    chatter(bot, fake_slack, "lol same here", "gotta run, back in 10")
    answer(bot, fake_slack, "The tablet has no bedtime lock.")
    assert prompts(fake_slack)[-1] == "Why #2: Why does the tablet have no bedtime lock?"
    answer(bot, fake_slack, "nobody set it up when we got it, right?")
    assert recorded(bot)[-1] == "nobody set it up when we got it, right?"
    answer(bot, fake_slack, "done")
    offer = prompts(fake_slack)[-1]
    # The manual-process angle, worded for any field.
    assert "depend on someone doing it by hand, or remembering it" in offer
    answer(bot, fake_slack, "done")
    assert "chain of whys (2 whys)" in prompts(fake_slack)[-1]
    weak = action(bot, fake_slack, "action: Talk about screen time at dinner")
    assert WEAK_ACTION_ADVICE in weak
    strong = action(bot, fake_slack, "action: Set the router to switch off the kids' wifi at 9pm")
    assert WEAK_ACTION_ADVICE not in strong
