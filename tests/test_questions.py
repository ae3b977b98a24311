"""The next why in the answer's own words (bot/core/questions.py), as the seed asks them."""

from __future__ import annotations

import pytest

from bot.core.questions import FOLLOW_UPS, about_answer, about_problem, restate


@pytest.mark.parametrize(
    ("answer", "question"),
    [
        ("All the servers were turned off.", "Why were all the servers turned off?"),
        ("There were no alarms on X", "Why were there no alarms on X?"),
        ("A deploy halved the pool", "Why did a deploy halve the pool?"),
        ("the team uses a shared login", "Why does the team use a shared login?"),
        ("the alerts go to an old channel", "Why do the alerts go to an old channel?"),
        ("two servers died", "Why did two servers die?"),
        ("both disks were full", "Why were both disks full?"),
        (
            "the two syringes look the same and sit side by side in the tray",
            "Why do the two syringes look the same and sit side by side in the tray?",
        ),
        ("3 pumps share one power strip", "Why do 3 pumps share one power strip?"),
        (
            "A patient on ward 4 got the wrong strength of heparin",
            "Why did a patient on ward 4 get the wrong strength of heparin?",
        ),
        ("the crew has no checklist for this", "Why does the crew have no checklist for this?"),
        ("the dev has not read the runbook", "Why has the dev not read the runbook?"),
        ("the db and the cache were down", "Why were the db and the cache down?"),
        # Two clauses, or a second sentence after a comma: the answer is quoted instead.
        ("pharmacy closes 17:00 and the OOH cupboard has no list", None),
        ("tech log is paper and the deferred items page is at the very back", None),
        ("the smoke detector battery died and that model doesn't chirp when low", None),
        ("picker grabbed the wrong SKU, they're next to each other", None),
        ("purchasing ordered the cheaper bolts and told nobody", None),
        ("ice on the front steps", None),
        ("no barcode scan before giving a drug, right?", None),
        ("quota hit", None),
    ],
)
def test_an_answer_is_asked_about_in_its_own_words_where_its_shape_allows(
    answer: str, question: str | None
) -> None:
    assert restate(answer) == question


def test_an_answer_that_cannot_be_restated_is_quoted_under_a_short_question() -> None:
    asked = about_answer("quota hit", 4)
    assert asked.text in FOLLOW_UPS and asked.quote == "quota hit"


def test_a_problem_written_as_a_question_is_asked_as_it_stands() -> None:
    assert about_problem("why did checkout fail for EU users?").text == (
        "Why did checkout fail for EU users?"
    )
