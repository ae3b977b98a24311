"""Settings: defaults, and an error naming the variable for anything missing or malformed."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"SLACK_BOT_TOKEN": "xoxb-1-2-3", "SLACK_SIGNING_SECRET": "s3cret"}


def test_defaults() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1"})
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///coe-bot.db"
    assert settings.port == 3000
    assert settings.timezone == ZoneInfo("UTC")
    assert settings.digest_cron == "0 9 * * mon"
    assert settings.digest_channel is None
    assert settings.digest_include_private is False
    assert settings.nudge_interval_minutes == 15
    assert settings.nudge_due_soon_days == 2
    assert settings.working_hours == (time(9), time(17))
    assert settings.working_days == frozenset(range(5))
    assert settings.socket_mode is False


def test_every_setting_is_read() -> None:
    settings = load_settings(
        {
            **GOOD,
            "SLACK_APP_TOKEN": "xapp-1",
            "SLACK_API_URL": "http://127.0.0.1:9999/api",
            "DATABASE_URL": "postgresql://coe:pw@db.internal:5432/coe",
            "PORT": "8080",
            "COE_TIMEZONE": "Europe/Berlin",
            "COE_DIGEST_CRON": "30 8 * * fri",
            "COE_DIGEST_CHANNEL": "C0DIGEST",
            "COE_DIGEST_INCLUDE_PRIVATE": "True",
            "COE_NUDGE_INTERVAL_MINUTES": "60",
            "COE_NUDGE_DUE_SOON_DAYS": "0",
            "COE_WORKING_HOURS": "08:30 - 18:00",
            "COE_WORKING_DAYS": "sun-thu",
        },
        serving=True,
    )
    assert settings.slack_bot_token == "xoxb-1-2-3"
    assert settings.slack_signing_secret == "s3cret"
    assert settings.socket_mode is True
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    # psycopg 3 is the driver that ships; the password survives.
    url = make_url(settings.database_url)
    assert url.get_driver_name() == "psycopg"
    assert (url.username, url.password, url.host, url.database) == (
        "coe",
        "pw",
        "db.internal",
        "coe",
    )
    assert settings.port == 8080
    assert settings.timezone == ZoneInfo("Europe/Berlin")
    assert settings.digest_cron == "30 8 * * fri"
    assert settings.digest_channel == "C0DIGEST"
    assert settings.digest_include_private is True
    assert settings.nudge_interval_minutes == 60
    assert settings.nudge_due_soon_days == 0
    assert settings.working_hours == (time(8, 30), time(18))
    assert settings.working_days == frozenset({6, 0, 1, 2, 3})


def test_working_days_as_a_list() -> None:
    settings = load_settings({**GOOD, "COE_WORKING_DAYS": "Mon, Wed,fri"})
    assert settings.working_days == frozenset({0, 2, 4})


def test_blank_values_count_as_unset() -> None:
    settings = load_settings({**GOOD, "SLACK_APP_TOKEN": "  ", "DATABASE_URL": "", "PORT": ""})
    assert settings.socket_mode is False
    assert settings.database_url == "sqlite:///coe-bot.db"
    assert settings.port == 3000


def test_listing_needs_no_slack_token() -> None:
    assert load_settings({}, need_slack=False).slack_bot_token == ""


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, serving=True
    )
    assert settings.socket_mode is True


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "   "}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({**GOOD, "SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        ({**GOOD, "SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({**GOOD, "SLACK_API_URL": "ftp://slack.com/api/"}, "SLACK_API_URL"),
        ({**GOOD, "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({**GOOD, "DATABASE_URL": "mysql://db/coe"}, "DATABASE_URL"),
        ({**GOOD, "PORT": "http"}, "PORT"),
        ({**GOOD, "PORT": "70000"}, "PORT"),
        ({**GOOD, "PORT": "-1"}, "PORT"),
        ({**GOOD, "COE_TIMEZONE": "Mars/Olympus_Mons"}, "COE_TIMEZONE"),
        ({**GOOD, "COE_TIMEZONE": "../etc/passwd"}, "COE_TIMEZONE"),
        ({**GOOD, "COE_DIGEST_CRON": "every monday"}, "COE_DIGEST_CRON"),
        ({**GOOD, "COE_DIGEST_CRON": "0 9 31 2 *"}, "COE_DIGEST_CRON"),
        ({**GOOD, "COE_DIGEST_INCLUDE_PRIVATE": "sometimes"}, "COE_DIGEST_INCLUDE_PRIVATE"),
        ({**GOOD, "COE_NUDGE_INTERVAL_MINUTES": "0"}, "COE_NUDGE_INTERVAL_MINUTES"),
        ({**GOOD, "COE_NUDGE_INTERVAL_MINUTES": "1.5"}, "COE_NUDGE_INTERVAL_MINUTES"),
        ({**GOOD, "COE_NUDGE_DUE_SOON_DAYS": "soon"}, "COE_NUDGE_DUE_SOON_DAYS"),
        ({**GOOD, "COE_WORKING_HOURS": "9-5"}, "COE_WORKING_HOURS"),
        ({**GOOD, "COE_WORKING_HOURS": "25:00-26:00"}, "COE_WORKING_HOURS"),
        ({**GOOD, "COE_WORKING_HOURS": "17:00-09:00"}, "COE_WORKING_HOURS"),
        ({**GOOD, "COE_WORKING_DAYS": "weekdays"}, "COE_WORKING_DAYS"),
        ({**GOOD, "COE_WORKING_DAYS": "mon-funday"}, "COE_WORKING_DAYS"),
    ],
)
def test_a_bad_setting_is_an_error_naming_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env)
    message = str(raised.value)
    assert message.startswith(variable)
    assert "\n" not in message


def test_serving_over_http_needs_the_signing_secret() -> None:
    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}, serving=True)


def test_a_malformed_database_url_is_reported_without_the_password() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({**GOOD, "DATABASE_URL": "mysql://coe:hunter2@db/coe"})
    assert "hunter2" not in str(raised.value)


def test_env_example_lists_every_setting_with_a_comment() -> None:
    source = (ROOT / "bot" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'"((?:SLACK|COE)_[A-Z_]+|DATABASE_URL|PORT)"', source)) | {"LOG_LEVEL"}
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    listed = {}
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Z_]+)=", line)
        if match:
            listed[match.group(1)] = index
    assert set(listed) == read
    for name, index in listed.items():
        assert lines[index - 1].startswith("#"), f"{name} has no comment above it"


def test_env_example_loads_as_valid_settings_once_filled_in() -> None:
    env = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    # As shipped it names what is missing; filled in, it is a working configuration.
    with pytest.raises(SettingsError, match=r"^SLACK_BOT_TOKEN"):
        load_settings(env, serving=True)
    env.update(SLACK_BOT_TOKEN="xoxb-filled-in", SLACK_SIGNING_SECRET="filled-in")
    load_settings(env, serving=True)


def test_machinery_switched_off_for_measuring_must_be_named_rightly() -> None:
    assert load_settings(GOOD).without == frozenset()
    settings = load_settings({**GOOD, "COE_BENCH_WITHOUT": "caches, gc"})
    assert settings.without == {"caches", "gc"}
    with pytest.raises(SettingsError, match="COE_BENCH_WITHOUT names no machinery: cashes"):
        load_settings({**GOOD, "COE_BENCH_WITHOUT": "cashes"})
