"""Who may see a COE (bot/core/visibility.py), as pure functions."""

from __future__ import annotations

import pytest

from bot.core.visibility import digest_channel, may_see, person, privacy_matters, visible


@pytest.mark.parametrize("private", [True, False, None])
def test_a_member_sees_the_coes_of_their_channel_whatever_its_privacy(private: bool | None) -> None:
    assert may_see(person(["CINC"]), "CINC", private)
    assert may_see(person(["CINC"], guest=True), "CINC", private)


def test_anyone_but_a_guest_sees_the_coes_of_a_public_channel_they_are_not_in() -> None:
    assert may_see(person([]), "CPUB", private=False)
    assert not may_see(person([], guest=True), "CPUB", private=False)


def test_nobody_outside_a_private_channel_sees_its_coes() -> None:
    assert not may_see(person(["COTHER"]), "CPRIV", private=True)


def test_a_channel_slack_would_not_describe_counts_as_private() -> None:
    assert not may_see(person([]), "CGONE", private=None)


def test_a_digest_channel_shows_public_coes_and_private_ones_only_when_allowed() -> None:
    closed = digest_channel("CDIGEST", include_private=False)
    assert may_see(closed, "CPUB", False) and not may_see(closed, "CPRIV", True)
    assert not may_see(closed, "CGONE", None)
    opened = digest_channel("CDIGEST", include_private=True)
    assert may_see(opened, "CPRIV", True) and may_see(opened, "CGONE", None)
    # A private channel's own COEs are its members' to see, and they read its digest.
    assert may_see(closed, "CDIGEST", True)


def test_privacy_is_looked_up_only_where_it_decides() -> None:
    channels = ["CINC", "CPUB", "CPRIV"]
    assert privacy_matters(person(["CINC"]), channels) == ["CPRIV", "CPUB"]
    assert privacy_matters(person(["CINC"], guest=True), channels) == []
    assert privacy_matters(digest_channel("CINC", include_private=True), channels) == []


def test_visible_keeps_the_channels_the_reader_may_see() -> None:
    reader = person(["CINC"])
    shown = visible(reader, ["CINC", "CPUB", "CPRIV", "CUNKNOWN"], {"CPUB": False, "CPRIV": True})
    assert shown == {"CINC", "CPUB"}
