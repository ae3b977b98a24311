"""What the text after `/coe` asks for (bot/core/commands.py), as pure functions."""

from __future__ import annotations

import pytest

from bot.core.commands import USAGE, Help, Invalid, ListActions, ListCoes, Start, parse_command


def test_start_takes_the_rest_as_the_problem_statement() -> None:
    assert parse_command("start Checkout was down for 40 minutes") == Start(
        "Checkout was down for 40 minutes"
    )


def test_start_keeps_the_problem_as_typed_apart_from_outer_whitespace() -> None:
    assert parse_command("  START   Checkout: 5xx for <@U1|ann>'s users  ") == Start(
        "Checkout: 5xx for <@U1|ann>'s users"
    )


@pytest.mark.parametrize("text", ["start", "start   ", "  Start"])
def test_start_without_a_problem_is_invalid_and_shows_an_example(text: str) -> None:
    command = parse_command(text)
    assert isinstance(command, Invalid)
    assert "/coe start" in command.reason and "e.g." in command.reason


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", " help me "])
def test_nothing_or_help_asks_for_help(text: str) -> None:
    assert parse_command(text) == Help()


@pytest.mark.parametrize("text", ["stop", "begin outage", "lists"])
def test_an_unknown_verb_is_invalid_and_names_it(text: str) -> None:
    command = parse_command(text)
    assert isinstance(command, Invalid)
    assert f"/coe {text.split()[0]}" in command.reason


@pytest.mark.parametrize("verb", ["actions", "action", "items", "Actions"])
def test_actions_alone_lists_the_callers_items(verb: str) -> None:
    assert parse_command(verb) == ListActions()


def test_actions_all_lists_everyones_items() -> None:
    assert parse_command("actions ALL") == ListActions(everyone=True)


@pytest.mark.parametrize(
    "text", ["actions <@U024BE7LH|bob>", "actions <@U024BE7LH>", "actions   <@U024BE7LH|bob> "]
)
def test_actions_with_an_escaped_mention_lists_that_persons_items(text: str) -> None:
    assert parse_command(text) == ListActions(owner_id="U024BE7LH")


def test_enterprise_user_ids_are_mentions_too() -> None:
    assert parse_command("actions <@W0ABC123|dana>") == ListActions(owner_id="W0ABC123")


@pytest.mark.parametrize("text", ["actions @bob", "actions bob", "actions <#C123|general>"])
def test_actions_with_someone_unmentioned_is_invalid(text: str) -> None:
    command = parse_command(text)
    assert isinstance(command, Invalid)
    assert "@mention" in command.reason


@pytest.mark.parametrize(
    ("text", "everyone"), [("list", False), (" LIST ", False), ("list all", True)]
)
def test_list_is_this_channels_coes_and_list_all_those_of_the_callers_channels(
    text: str, everyone: bool
) -> None:
    assert parse_command(text) == ListCoes(everyone=everyone)


def test_list_with_anything_else_is_invalid_and_says_what_works() -> None:
    command = parse_command("list mine")
    assert isinstance(command, Invalid)
    assert "`/coe list mine`" in command.reason and "`/coe list all`" in command.reason


def test_usage_names_every_verb() -> None:
    for verb in ("/coe start", "/coe actions", "/coe list", "/coe help"):
        assert verb in USAGE
