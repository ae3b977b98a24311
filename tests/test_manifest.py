"""`manifest.yml` is a complete Slack app manifest, and asks for what the bot uses and no more.

The schema is Slack's published app manifest schema, kept in tests/data with its licence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "data" / "manifest.schema.1.0.0.json"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def test_the_manifest_validates_against_slacks_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(manifest)]
    assert errors == []


def test_the_schema_is_strict_enough_to_catch_a_typo(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {**manifest, "settings": {**manifest["settings"], "socket_mode_enable": True}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft7Validator)


def test_the_app_is_coe_bot_with_a_bot_user(manifest: dict[str, Any]) -> None:
    assert manifest["display_information"]["name"] == "COE Bot"
    assert manifest["display_information"]["description"]
    assert manifest["features"]["bot_user"]["display_name"]


def test_the_only_command_is_coe_and_mentions_arrive_escaped(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [command["command"] for command in commands] == ["/coe"]
    coe = commands[0]
    assert coe["description"] and "start" in coe["usage_hint"]
    # `/coe actions @someone` relies on mentions arriving as <@U123|name>.
    assert coe["should_escape"] is True


def test_it_asks_for_exactly_the_scopes_the_bot_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes) == {"bot"}
    assert sorted(scopes["bot"]) == sorted(
        [
            "commands",
            "chat:write",
            "channels:history",
            "groups:history",
            "users:read",
            # users.conversations and conversations.info: who may see which COE.
            "channels:read",
            "groups:read",
            # reactions.add/remove: the mark on each recorded answer.
            "reactions:write",
            # reaction_added: a :x: on a reply taken as an answer takes it back.
            "reactions:read",
            # files_upload_v2: the COE document and the picture of its tree in its thread.
            "files:write",
            # canvases.create and canvases.edit: the COE as a canvas in its channel.
            "canvases:write",
        ]
    )


def test_it_subscribes_to_exactly_the_events_the_bot_handles(manifest: dict[str, Any]) -> None:
    events = manifest["settings"]["event_subscriptions"]
    assert sorted(events["bot_events"]) == [
        "app_home_opened",
        # What each channel is (bot/slack/channel_listeners.py).
        "channel_archive",
        "channel_rename",
        "channel_shared",
        "channel_unarchive",
        "channel_unshared",
        "group_archive",
        "group_rename",
        "group_unarchive",
        "member_joined_channel",
        "message.channels",
        "message.groups",
        "reaction_added",
    ]
    assert "user_events" not in events


def test_the_home_tab_is_on(manifest: dict[str, Any]) -> None:
    app_home = manifest["features"]["app_home"]
    assert app_home["home_tab_enabled"] is True
    assert app_home["messages_tab_enabled"] is True


def test_interactivity_and_socket_mode_are_on(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_the_schema_travels_with_its_licence() -> None:
    licence = (SCHEMA.parent / "LICENSE-manifest-schema").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Slack Technologies" in licence
