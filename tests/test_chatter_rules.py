"""Thread replies that are conversation rather than answers to the open why."""

from __future__ import annotations

import pytest

from bot.core.chatter import is_chatter

CHATTER = [
    # Acknowledgements.
    "+1",
    "+100",
    "agreed",
    "Agreed!",
    "same",
    "same here",
    "thanks",
    "thank you!",
    "Thanks <@U123ABC>!",
    "thanks so much everyone",
    "agreed, thanks!",
    "ok thanks",
    "lol",
    "ok",
    "okay",
    "nice",
    "ty",
    "yep",
    "this",
    "^",
    "^ this",
    "this 💯",
    "100%",
    "+1 to what <@U123ABC|dana> said",
    "Good catch, thanks!",
    "lgtm 🚀",
    "no idea",
    # Emoji only.
    "👍",
    ":+1:",
    ":pray: :pray:",
    ":+1::skin-tone-2:",
    "🙏🏽",
    # Questions.
    "What time did it start?",
    "What time did it start? :thinking_face:",
    "was it the cache?!",
    "Did the deploy finish before or after the alarm? 🤔 ",
    "Hm, the logs are empty. Is the agent running?",
    # Requests to a person.
    "<@U123ABC> can you check the logs",
    "<@U123ABC|dana> could you look at the graphs",
    "<@U1> could you…",
    "@dana please look",
    "dana, can you pull the deploy history",
    "hey @dana, can you take a look",
    "Thanks! Can you check the logs",
    "cc <@U1> <@U2>",
    "<!subteam^S0614TZR7|@oncall> please check the dashboards",
    "does anyone know when it started",
    "Can someone check the load balancer logs",
    "let's look at the logs first",
    "pls check the graphs",
    # Empty and asides.
    "",
    "   ",
    "// off-topic: lunch is here",
]

ANSWERS = [
    "<@U123> restarted the wrong cluster",
    "@dana restarted the wrong cluster",
    "<@U123ABC|dana> approved it without looking",
    "Bob ran the script wrong, he should have double-checked the server list.",
    "The cache expired.",
    "Thanks! The cache expired.",
    "This was caused by the cache expiring",
    "Same root cause as last week: the cert expired",
    "ok so the DNS TTL was 0",
    "yes, the disk filled up",
    "Agreed, the alarm threshold was too high",
    "A script was run which shut them off.",
    "There are no permission differences between turning off 1 server vs many.",
    "no alarm on disk usage",
    "The DB was down. <@U1> can you confirm",
    "The deploy tool has no dry-run mode",
    "Nobody is paged when the queue backs up 👀",
]


@pytest.mark.parametrize("text", CHATTER)
def test_conversation_is_chatter(text: str) -> None:
    assert is_chatter(text)


@pytest.mark.parametrize("text", ANSWERS)
def test_an_answer_is_not_chatter(text: str) -> None:
    assert not is_chatter(text)
