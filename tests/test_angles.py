"""Which angles of an incident a tree of causes covers, and what to ask about the rest."""

from __future__ import annotations

import pytest

from bot.core.angles import ANGLE_QUESTIONS, Angle, angles_covered, missing_angles

# The seed's five whys, questions and answers verbatim.
SEED_TREE = [
    "Why did the site go down?",
    "All the servers were turned off.",
    "Why were the servers turned off?",
    "A script was run which shut them off.",
    "Why was a script able to turn off so many servers?",
    "There are no permission differences between turning off 1 server vs many.",
    "Why did the team not notice immediately what was happening?",
    "There were no alarms on the number of servers shutting down in a time period.",
    "Why was someone manually shutting down servers?",
    "Because the hardware for those servers was being replaced, and there was no UI for the "
    "hardware team to use when replacing hardware.",
]
DEPLOY_TREE = [
    "Why #1: Why was checkout down for 40 minutes?",
    "A deploy halved the connection pool.",
    "Why #2: Why did a deploy halve the connection pool?",
    "The config change was not reviewed.",
]


def test_the_seeds_five_whys_cover_every_angle() -> None:
    assert angles_covered(SEED_TREE) == frozenset(Angle)
    assert missing_angles(SEED_TREE) == []


def test_a_tree_about_the_change_alone_misses_detection_and_blast_radius() -> None:
    # A change that skipped review is a gap in how work is done: the process angle is covered.
    assert missing_angles(DEPLOY_TREE) == [Angle.DETECTION, Angle.BLAST_RADIUS]


def test_missing_angles_come_in_a_stable_order() -> None:
    assert missing_angles([]) == [
        Angle.DETECTION,
        Angle.BLAST_RADIUS,
        Angle.PROCESS,
        Angle.TRIGGER,
    ]


def test_the_trigger_is_covered_by_any_answer_but_not_by_questions_alone() -> None:
    assert Angle.TRIGGER not in angles_covered(["Why #1: Why was the site down?"])
    assert Angle.TRIGGER in angles_covered(["The cache expired."])
    assert Angle.TRIGGER not in angles_covered(["", "   "])


def test_asking_an_angles_question_covers_it() -> None:
    for angle in (Angle.DETECTION, Angle.BLAST_RADIUS, Angle.PROCESS):
        assert angles_covered([ANGLE_QUESTIONS[angle]]) == {angle}


@pytest.mark.parametrize(
    ("text", "angle"),
    [
        ("Nobody noticed for two hours.", Angle.DETECTION),
        ("The disk alert was muted.", Angle.DETECTION),
        ("PagerDuty never paged the on-call.", Angle.DETECTION),
        ("The dashboard shows averages only.", Angle.DETECTION),
        ("The health check only tests that the process is up.", Angle.DETECTION),
        ("One bad config took down every region at once.", Angle.BLAST_RADIUS),
        ("The retries cascaded into the payments service.", Angle.BLAST_RADIUS),
        ("There is no rate limit on the export API.", Angle.BLAST_RADIUS),
        ("The rollout went to 100% with no canary.", Angle.BLAST_RADIUS),
        ("The database is a single point of failure.", Angle.BLAST_RADIUS),
        ("Certificates are renewed manually.", Angle.PROCESS),
        ("The runbook was out of date.", Angle.PROCESS),
        ("There is no tool for the hardware swap.", Angle.PROCESS),
        ("The change had no second approver.", Angle.PROCESS),
        ("The release process has no freeze.", Angle.PROCESS),
    ],
)
def test_an_answer_covers_its_angle(text: str, angle: Angle) -> None:
    assert angle in angles_covered([text])


@pytest.mark.parametrize(
    ("text", "angle"),
    [
        ("The worker process ran out of memory.", Angle.PROCESS),
        ("The earlier deploy changed the pool size.", Angle.DETECTION),
        ("The login page returned errors.", Angle.DETECTION),
        ("50 percent of requests failed.", Angle.BLAST_RADIUS),
        ("The cache expired at midnight.", Angle.BLAST_RADIUS),
        ("The cache expired at midnight.", Angle.DETECTION),
        ("The cache expired at midnight.", Angle.PROCESS),
    ],
)
def test_an_answer_about_something_else_does_not_cover_the_angle(text: str, angle: Angle) -> None:
    assert angle not in angles_covered([text])


def test_each_angle_has_its_question() -> None:
    assert ANGLE_QUESTIONS == {
        Angle.DETECTION: "Why didn't we notice sooner?",
        Angle.BLAST_RADIUS: "Why was the impact so large?",
        Angle.PROCESS: "Why did this depend on someone doing it by hand, or remembering it?",
        Angle.TRIGGER: "What triggered it?",
    }
