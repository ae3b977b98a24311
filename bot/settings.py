"""Settings, read once at start-up from the environment (and `.env`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.runtime.schedule import digest_trigger, fires_yearly

DEFAULT_DATABASE_URL = "sqlite:///coe-bot.db"
DEFAULT_API_URL = "https://slack.com/api/"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class SettingsError(Exception):
    """A missing or malformed setting; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_api_url: str
    database_url: str
    port: int
    timezone: ZoneInfo
    digest_cron: str
    digest_channel: str | None
    digest_include_private: bool
    nudge_interval_minutes: int
    nudge_due_soon_days: int
    working_hours: tuple[time, time]
    working_days: frozenset[int]
    log_level: str = "INFO"
    # For `python -m bench` only: machinery switched off to measure what it buys
    # (COE_BENCH_WITHOUT, names as in MACHINERY).
    without: frozenset[str] = frozenset()

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None


def load_settings(
    env: Mapping[str, str], *, need_slack: bool = True, serving: bool = False
) -> Settings:
    """Read and check every setting; raise `SettingsError` naming the first bad one."""
    log_level = _log_level(env)
    app_token = _optional(env, "SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    bot_token = _optional(env, "SLACK_BOT_TOKEN")
    if need_slack and bot_token is None:
        raise SettingsError("SLACK_BOT_TOKEN is not set (the bot token, xoxb-...)")
    if bot_token is not None and not bot_token.startswith("xoxb-"):
        raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
    signing_secret = _optional(env, "SLACK_SIGNING_SECRET")
    if serving and app_token is None and signing_secret is None:
        raise SettingsError(
            "SLACK_SIGNING_SECRET is not set (needed to verify requests over HTTP; "
            "set SLACK_APP_TOKEN instead to use Socket Mode)"
        )
    return Settings(
        slack_bot_token=bot_token or "",
        slack_signing_secret=signing_secret,
        slack_app_token=app_token,
        slack_api_url=_api_url(env),
        database_url=_database_url(env),
        port=_int(env, "PORT", 3000, 0, 65535),
        timezone=_zone(env),
        digest_cron=_cron(env),
        digest_channel=_optional(env, "COE_DIGEST_CHANNEL"),
        digest_include_private=_flag(env, "COE_DIGEST_INCLUDE_PRIVATE"),
        nudge_interval_minutes=_int(env, "COE_NUDGE_INTERVAL_MINUTES", 15, 1, 24 * 60),
        nudge_due_soon_days=_int(env, "COE_NUDGE_DUE_SOON_DAYS", 2, 0, 60),
        log_level=log_level,
        working_hours=_hours(env),
        working_days=_days(env),
        without=_without(env),
    )


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _optional(env, name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (_optional(env, name) or "false").lower()
    if raw not in ("true", "false", "yes", "no", "1", "0"):
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    return raw in ("true", "yes", "1")


def _api_url(env: Mapping[str, str]) -> str:
    raw = _optional(env, "SLACK_API_URL") or DEFAULT_API_URL
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL, not {raw!r}")
    return raw if raw.endswith("/") else raw + "/"


def _database_url(env: Mapping[str, str]) -> str:
    raw = _optional(env, "DATABASE_URL") or DEFAULT_DATABASE_URL
    try:
        url = make_url(raw)
    except ArgumentError:
        raise SettingsError(f"DATABASE_URL is not a database URL: {raw!r}") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise SettingsError("DATABASE_URL must be a sqlite:// or postgresql:// URL")
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("psycopg2", "default"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _zone(env: Mapping[str, str]) -> ZoneInfo:
    raw = _optional(env, "COE_TIMEZONE") or "UTC"
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"COE_TIMEZONE is not a known timezone: {raw!r}") from None


def _cron(env: Mapping[str, str]) -> str:
    raw = _optional(env, "COE_DIGEST_CRON") or "0 9 * * mon"
    if len(raw.split()) != 5:
        raise SettingsError(f"COE_DIGEST_CRON must have five fields (m h dom mon dow): {raw!r}")
    try:
        digest_trigger(raw, ZoneInfo("UTC"))
    except ValueError as error:
        raise SettingsError(f"COE_DIGEST_CRON is not a valid schedule ({error}): {raw!r}") from None
    if not fires_yearly(raw):
        raise SettingsError(
            f"COE_DIGEST_CRON never fires, or less often than once a year (check the day of the "
            f"month against the month): {raw!r}"
        )
    return raw


def _hours(env: Mapping[str, str]) -> tuple[time, time]:
    raw = _optional(env, "COE_WORKING_HOURS") or "09:00-17:00"
    match = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", raw)
    try:
        if match is None:
            raise ValueError
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        start, end = time(h1, m1), time(h2, m2)
    except ValueError:
        raise SettingsError(f"COE_WORKING_HOURS must look like 09:00-17:00, not {raw!r}") from None
    if start >= end:
        raise SettingsError("COE_WORKING_HOURS must start before it ends")
    return start, end


def _days(env: Mapping[str, str]) -> frozenset[int]:
    raw = (_optional(env, "COE_WORKING_DAYS") or "mon-fri").lower()
    days: set[int] = set()
    for part in raw.split(","):
        first, _, last = part.strip().partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise SettingsError(f"COE_WORKING_DAYS must look like mon-fri or mon,wed,fri: {raw!r}")
        start, end = _DAYS.index(first), _DAYS.index(last or first)
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)])
    return frozenset(days)


# What `python -m bench` can switch off, each in one place, to measure it (bench/README.md).
MACHINERY = frozenset({"group_commit", "senders", "acks_first", "keep_alive", "gc", "caches"})


def _without(env: Mapping[str, str]) -> frozenset[str]:
    raw = _optional(env, "COE_BENCH_WITHOUT") or ""
    names = frozenset(name.strip() for name in raw.split(",") if name.strip())
    if names - MACHINERY:
        unknown = ", ".join(sorted(names - MACHINERY))
        raise SettingsError(f"COE_BENCH_WITHOUT names no machinery: {unknown}")
    return names


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level(env: Mapping[str, str]) -> str:
    level = (_optional(env, "LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
    return level
