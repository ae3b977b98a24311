"""Related COEs: past reviews whose recorded causes read like this one's, and only those."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.similarity import DEFAULT_THRESHOLD, PastCoe, Similar, similar_coes, words
from tests.similarity_data import CANARIES, CERTIFICATES, DISK_ALERTS, FLEET_PERMISSIONS, PAST

ROOT = Path(__file__).resolve().parent.parent
GROUPS = {"disk alerts": DISK_ALERTS, "certificates": CERTIFICATES, "canaries": CANARIES}
UNRELATED = (
    ("a DNS TTL", ["The DNS TTL was a week long, so the rollback took days to reach everyone"]),
    ("a certificate expiry", ["The certificate on the payment gateway expired"]),
    ("a bad config value", ["Someone set a wrong value in the config"]),
)


def found(causes: list[str], past: tuple[PastCoe, ...] = PAST, **options: float) -> list[int]:
    return [similar.coe_id for similar in similar_coes(causes, past, **options)]  # type: ignore[arg-type]


def test_a_review_about_the_same_missing_alarm_finds_the_past_ones() -> None:
    causes = [
        "Disks filled up on the primary database",
        "There was no alert when the disk was full",
    ]
    assert found(causes, limit=10) == [101, 102, 103, 104]


@pytest.mark.parametrize(
    "causes",
    [
        ["Nobody got an alarm as the disk filled"],
        ["We were not notified that the data volume was running out of space"],
        ["No alerting on disk usage"],
    ],
)
def test_the_same_missing_alarm_in_other_words_is_found(causes: list[str]) -> None:
    results = set(found(causes, limit=10))
    assert results <= DISK_ALERTS and len(results) >= 3


@pytest.mark.parametrize(
    ("group", "coe_id"),
    [(name, coe_id) for name, ids in GROUPS.items() for coe_id in sorted(ids)],
)
def test_every_past_coe_finds_the_others_of_its_kind_and_nothing_else(
    group: str, coe_id: int
) -> None:
    this = next(coe for coe in PAST if coe.coe_id == coe_id)
    others = tuple(coe for coe in PAST if coe.coe_id != coe_id)
    assert set(found(list(this.causes), others, limit=10)) == GROUPS[group] - {coe_id}


def test_past_coes_about_nothing_in_common_find_nothing() -> None:
    grouped = set().union(*GROUPS.values())
    for coe in PAST:
        if coe.coe_id not in grouped:
            others = tuple(other for other in PAST if other.coe_id != coe.coe_id)
            assert found(list(coe.causes), others, limit=10) == [], coe


@pytest.mark.parametrize(("what", "causes"), UNRELATED, ids=[what for what, _ in UNRELATED])
def test_unrelated_causes_do_not_find_the_disk_alarm_coes(what: str, causes: list[str]) -> None:
    assert not set(found(causes, limit=10)) & DISK_ALERTS


def test_the_disk_alarm_review_does_not_find_dns_certificate_or_config_coes() -> None:
    causes = ["No alarm on disk usage", "The database stopped accepting writes"]
    assert set(found(causes, limit=10)) <= DISK_ALERTS


@pytest.mark.parametrize(
    "causes",
    [
        ["The Kafka consumer group rebalanced all day because its session timeout was too short"],
        ["The marketing email linked to a wrong coupon code"],
        ["Human error"],
        ["The database"],
    ],
)
def test_nothing_is_found_when_nothing_is_similar_enough(causes: list[str]) -> None:
    assert found(causes, limit=10) == []


def test_the_seed_review_finds_the_fleet_shutdown_by_its_permission_cause() -> None:
    causes = [
        "All the servers were turned off.",
        "A script was run which shut them off.",
        "There are no permission differences between turning off 1 server vs many.",
    ]
    assert found(causes) == sorted(FLEET_PERMISSIONS)


def test_each_result_names_that_coes_most_similar_cause_with_its_score() -> None:
    results = similar_coes(["Nobody got paged when the disk filled up"], PAST, limit=10)
    by_id = {similar.coe_id: similar for similar in results}
    assert by_id[102] == Similar(102, "Nobody was paged when the disks filled up", 100.0)
    assert by_id[104].cause == "We had no monitoring of disk space on those hosts"
    assert all(DEFAULT_THRESHOLD <= similar.score <= 100 for similar in results)


def test_best_first_and_at_most_limit() -> None:
    causes = ["Nobody got an alarm as the disk filled"]
    results = similar_coes(causes, PAST, limit=10)
    scores = [similar.score for similar in results]
    assert scores == sorted(scores, reverse=True)
    assert results[-1].coe_id == 104  # its cause says more than ours: a little less alike
    assert found(causes, limit=3) == [101, 102, 103]
    assert found(causes, limit=0) == []


def test_of_causes_that_all_hold_ours_the_closest_comes_first() -> None:
    assert found(["There was no alert when the disk on the log hosts was full"])[0] == 104
    assert found(["No alert when the disk was full"], limit=4)[-1] == 104


def test_ties_keep_the_order_the_past_coes_came_in() -> None:
    causes = ["No alert when the disk was full"]
    disk = tuple(coe for coe in PAST if coe.coe_id in {101, 102, 103})
    assert found(causes, disk) == [101, 102, 103]
    assert found(causes, disk[::-1]) == [103, 102, 101]
    assert found(causes, PAST, limit=3) == found(causes, PAST, limit=3)


def test_a_lower_threshold_finds_more() -> None:
    causes = ["The DNS TTL was a week long"]
    assert found(causes, limit=10) == []
    assert 141 in found(causes, limit=10, threshold=50)


def test_nothing_to_compare_finds_nothing() -> None:
    assert similar_coes([], PAST) == []
    assert similar_coes(["The was a the", "", "!!"], PAST) == []
    assert similar_coes(["No alarm on disk usage"], []) == []
    # A past COE whose answers are only stop words is like nothing.
    assert 162 not in found(["The was the the was a an"], limit=10, threshold=0.1)


def test_people_mentioned_make_nothing_similar() -> None:
    past = (PastCoe(1, ("<@U123> and <@U456|lee> restarted the cache",)),)
    assert found(["<@U123|dana> and <@U456> were on call <!here>"], past) == []


@pytest.mark.parametrize(
    ("text", "reduced"),
    [
        ("There was no alarm on the disk!", "alert disk"),
        ("Nobody was paged when the disks filled up", "alert disk full"),
        ("We had no monitoring of disk space", "alert disk full"),
        ("<@U1|dana> said: see <https://wiki.example.com|the wiki> &amp; logs", "said see log"),
        ("Certs weren't renewed", "certificate renew"),
        ("No canary deployment", "canary deploy"),
    ],
)
def test_text_is_reduced_to_the_words_that_carry_its_meaning(text: str, reduced: str) -> None:
    assert words(text) == reduced


def test_the_search_loads_no_numpy_or_machine_learning_library() -> None:
    # The bot stays small in memory: fuzzy matching only, no numerical stack.
    script = "import json, sys, bot.core.similarity; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = {name.split(".")[0] for name in json.loads(result.stdout)}
    assert not loaded & {"numpy", "sklearn", "scipy", "pandas", "torch"}
