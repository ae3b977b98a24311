"""Action items that ask people to be more careful, and those that build a mechanism."""

from __future__ import annotations

import pytest

from bot.core.mechanisms import WEAK_ACTION_ADVICE, is_weak_action

WEAK = [
    "remind everyone to double-check",
    "Train the team",
    "Be more careful",
    "Tell Bob to verify the host list next time",
    "make sure people read the runbook",
    "Retrain the on-call",
    "ask engineers to pay attention",
    "Communicate the importance of testing",
    "Remind <@U123ABC> to run the dry run first.",
    "We should all be more vigilant during deploys.",
    "Double-check the server list before running the script.",
    "Engineers must always verify the target environment.",
    "Going forward, reviewers should read every line of the diff.",
    "Hold a training session on the shutdown script.",
    "Send an email to the team about the importance of staging.",
    "Talk to the intern about running scripts in prod.",
    "Review PRs more carefully.",
    "Raise awareness of the change freeze.",
    "action: pay closer attention to the alerts",
    "Always check which cluster you're connected to.",
    "Never run the cleanup job on a Friday.",
    "Follow the runbook.",
    "Ensure the team reads the release notes.",
    "Share the lessons learned with the other teams.",
    "Create a refresher course for on-call engineers.",
    "Don't forget to drain the node first.",
    "Let's take more care with config changes.",
    "Hold the deployer accountable.",
    "Encourage engineers to ask when in doubt.",
    "Coach new hires on the deploy process.",
    "Educate support about bulk deletes.",
    "Tell the on-call engineer to check the dashboard every hour.",
    "Have Bob review all scripts before they run.",
    "Put a sticky note on the monitor about the prod cluster.",
    "Provide training on the new deploy tool.",
]
MECHANISM = [
    "add an alarm on servers shutting down",
    "require a second approver for fleet-wide scripts",
    "limit the shutdown script to 10 hosts per run",
    "automate the hardware swap",
    "build a UI for the hardware team",
    "add a dry-run mode to the script",
    # A checklist the tool runs is a mechanism; the same list in a document is not flagged.
    "add a runbook checklist step to the deploy tool",
    "Update the runbook with the new failover steps.",
    "Page the on-call when the disk is 80% full.",
    "Make the script refuse to run against more than 10% of the fleet.",
    "Ensure the script validates the host list before running.",
    "Block deploys when the canary fails.",
    "Add a confirmation prompt that shows the number of hosts and asks the operator to type it.",
    "Add an alarm and remind the team what it means.",
    "Rate-limit the admin API.",
    "Write an integration test for region failover.",
    "Revoke direct production database access for developers.",
    "Turn on branch protection for main.",
    "Renew certificates automatically.",
    "Migrate the cron job to the scheduler with retries.",
    "Set the TTL to 60 seconds.",
    "Ask the vendor for a firmware fix.",
    "Request access logs from the provider.",
    "Get the script to refuse an empty host list.",
    "Give the hardware team a self-service tool for swaps.",
    "Move the secrets to the vault.",
    "Add a lint rule that rejects unbounded queries.",
    "The team should add an alarm on disk usage.",
    "Add a warning banner to the admin console in production.",
    "Require review by a second engineer for infra changes.",
]


@pytest.mark.parametrize("action", WEAK)
def test_an_item_that_asks_people_to_be_more_careful_is_weak(action: str) -> None:
    assert is_weak_action(action)


@pytest.mark.parametrize("action", MECHANISM)
def test_an_item_that_builds_a_mechanism_is_not_weak(action: str) -> None:
    assert not is_weak_action(action)


def test_the_table_is_broad() -> None:
    assert len(WEAK) + len(MECHANISM) >= 30


def test_the_advice_informs_and_names_the_kinds_of_mechanism() -> None:
    assert "not a mechanism" in WEAK_ACTION_ADVICE
    for kind in ("alarm", "guard rail", "permission limit", "automation", "tool or UI"):
        assert kind in WEAK_ACTION_ADVICE
    assert "not recorded" not in WEAK_ACTION_ADVICE
    assert WEAK_ACTION_ADVICE.count(". ") + WEAK_ACTION_ADVICE.count(": ") <= 2
