"""How replies and action items are judged: on held-out sets from five fields, written by
writers who never saw the model or its training data (judgement/heldout), and on the
examples the issue names. judgement/README.md has how the sets were made and the figures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.core import replies
from bot.core.blame import blames_a_person
from bot.core.chatter import is_chatter
from bot.core.judgement import lexicon
from bot.core.judgement.features import features
from bot.core.judgement.model import Question, model
from bot.core.mechanisms import is_weak_action
from judgement.evaluate import judge
from judgement.train import Example, read, train

HELD_OUT = sorted((Path(__file__).resolve().parent.parent / "judgement" / "heldout").glob("*.tsv"))


def figures(examples: list[Example]) -> dict[str, float]:
    counts: Counter[str] = Counter()
    for example in examples:
        judge(example, counts, [])
    return {
        "chatter kept out": counts["chatter_out"] / counts["chatter"],
        "answers lost": counts["answer_lost"] / counts["answer"],
        "blame marked": counts["blame_hit"] / counts["blame"],
        "causes marked": counts["cause_false"] / counts["cause"],
        "weak marked": counts["weak_hit"] / counts["weak"],
        "strong marked": counts["strong_false"] / counts["strong"],
    }


def within_targets(found: dict[str, float], catch: float, false_alarms: float) -> list[str]:
    caught = ("chatter kept out", "blame marked", "weak marked")
    return [
        f"{name} {100 * value:.1f}%"
        for name, value in found.items()
        if (value < catch if name in caught else value > false_alarms)
    ]


def test_there_are_three_held_out_rounds_of_every_field() -> None:
    assert len(HELD_OUT) == 3
    for path in HELD_OUT:
        fields = Counter(example.field for example in read(path))
        assert sorted(fields) == ["aviation", "everyday", "healthcare", "manufacturing", "software"]


def test_pooled_over_the_held_out_rounds_the_targets_are_met() -> None:
    pooled = figures([example for path in HELD_OUT for example in read(path)])
    assert within_targets(pooled, catch=0.95, false_alarms=0.03) == []


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda path: path.stem)
def test_no_held_out_round_falls_far_from_the_targets(path: Path) -> None:
    assert within_targets(figures(read(path)), catch=0.93, false_alarms=0.03) == []


# The issue's own examples, which no training set holds ----------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "The anaesthetist picked up the wrong syringe.",
        "The wrong branch was merged.",
        "A step of the checklist was skipped.",
        "QA never tried it on a phone.",
        "ops didnt read the runbook",
        "the wrong flag was set",
        "the form was signed without reading it",
        "only checked the first page",
        "waved the change through",
        "ticked the box without looking",
    ],
)
def test_an_answer_that_stops_at_a_persons_mistake_is_blame(answer: str) -> None:
    assert blames_a_person(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "the checklist told the nurse to skip the scan at night",
        "the new hire had write access to the billing database",
        "There are no permission differences between turning off 1 server vs many.",
        "There were no alarms on the number of servers shutting down in a time period.",
        "All the servers were turned off.",
    ],
)
def test_an_answer_naming_a_mechanism_is_no_blame(answer: str) -> None:
    assert not blames_a_person(answer)


@pytest.mark.parametrize(
    "reply",
    [
        "afk 5",
        "no clue tbh",
        "will circle back on this",
        "digging through the logs now, will report",
        "thanks all",
        "+1 to Maria's point",
        "huh, wild",
        "subscribing",
        "I'll check",
        "will look at the dashboards and come back",
        "updating soon",
        "unsure",
        "dunno",
        "no idea",
        "back in 10",
        "lurking",
        "gotta run",
    ],
)
def test_conversation_is_kept_out_of_the_tree(reply: str) -> None:
    assert replies.read_reply(reply) is None


@pytest.mark.parametrize(
    "reply",
    [
        "the cert expired over the weekend, right?",
        "its the same valve as last time, no?",
        "that's the cron timezone bug, isn't it?",
        "quota hit",
        "no staging",
        "NTP.",
    ],
)
def test_a_cause_ending_in_a_tag_question_and_a_short_cause_are_answers(reply: str) -> None:
    assert replies.read_reply(reply) == replies.Answer(reply)


@pytest.mark.parametrize(
    "item",
    [
        "Re-brief the cabin crew on the door procedure",
        "Mentor the juniors on deploys",
        "Talk about this at standup",
        "Better communication with the vendor",
        "A wiki page with tips for migrations",
    ],
)
def test_an_item_that_depends_on_people_trying_harder_is_weak(item: str) -> None:
    assert is_weak_action(item)


def test_a_mechanism_sharing_words_with_weak_items_is_not_weak() -> None:
    assert not is_weak_action("Require a scanner-enforced second check before dispensing")


# What the models see --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["anaesthetist", "nurses", "grandad", "pharmacist", "welder", "dispatcher"]
)
def test_roles_of_any_field_are_people_to_the_models(role: str) -> None:
    assert lexicon.is_person(role)
    assert "c:PER" in features(f"the {role} skipped the check")


def test_a_machine_is_no_person_however_it_acts() -> None:
    pump, nurse = features("the pump skipped the scan"), features("the nurse skipped the scan")
    assert "np1:N" in pump and "np1:PER" in nurse


def test_the_same_text_gives_the_same_features_and_score() -> None:
    text = "Priya merged the wrong branch without a review :facepalm:"
    assert features(text) == features(text)
    assert model(Question.BLAME).score(text) == model(Question.BLAME).score(text)


def test_training_learns_a_question_from_its_examples() -> None:
    pairs = [(f"the {w} fixed it", True) for w in ("nurse", "pilot", "cook")] + [
        (f"there is no {w}", False) for w in ("alarm", "limit", "check")
    ]
    learned = train(pairs)
    assert learned.score("the driver fixed it") > 0 > learned.score("there is no lock")


def test_chatter_and_asides_are_never_answers_whatever_the_model() -> None:
    assert is_chatter("") and is_chatter("   ") and is_chatter("// the pool ran out")
