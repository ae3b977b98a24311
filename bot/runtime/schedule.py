"""When the weekly digest is due: COE_DIGEST_CRON read the way crontab reads it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from apscheduler.triggers.cron import CronTrigger

# A digest schedule must fire within this long of the start of a year: one that never comes
# (31 February) or comes once in four years (29 February) is a mistake, not a schedule.
MAX_DIGEST_GAP = timedelta(days=400)
# From a fixed day, so a schedule is accepted or refused the same whatever the day it starts
# on; the start of a common year, so 29 February is not around the corner.
_GAP_CHECKED_FROM = datetime(2001, 1, 1, tzinfo=UTC)


def digest_trigger(cron: str, timezone: tzinfo) -> CronTrigger:
    """The digest's schedule, with the day of week read as crontab reads it (0 or 7 = Sunday)."""
    fields = cron.split()
    if len(fields) == 5:
        fields[4] = _crontab_weekdays(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=timezone)


def fires_yearly(cron: str) -> bool:
    """Whether the (valid) schedule `cron` fires at least about once a year."""
    fire = digest_trigger(cron, UTC).get_next_fire_time(None, _GAP_CHECKED_FROM)
    return fire is not None and fire - _GAP_CHECKED_FROM <= MAX_DIGEST_GAP


def latest_digest_time(cron: str, timezone: tzinfo, now: datetime) -> datetime | None:
    """The latest scheduled time of the digest at or before `now`: the period's key."""
    trigger = digest_trigger(cron, timezone)
    for lookback in (timedelta(hours=1), timedelta(days=1), timedelta(days=8), timedelta(days=32)):
        fire = trigger.get_next_fire_time(None, now - lookback)
        if fire is not None and fire <= now:
            break
    else:
        fire = trigger.get_next_fire_time(None, now - timedelta(days=366 * 5))
        if fire is None or fire > now:
            return None
    while (following := trigger.get_next_fire_time(fire, fire)) is not None and following <= now:
        fire = following
    return fire


def previous_digest_time(cron: str, timezone: tzinfo, fire: datetime) -> datetime | None:
    """The scheduled time of the digest before the one at `fire`: where its period starts."""
    # Cron times are whole minutes, so a second earlier is past only the one at `fire`.
    return latest_digest_time(cron, timezone, fire - timedelta(seconds=1))


_WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _crontab_weekdays(spec: str) -> str:
    """Numeric crontab days of week as names: APScheduler 3 counts 0 as Monday, crontab Sunday."""
    if not re.fullmatch(r"[0-9*/,\-]+", spec) or spec == "*":
        return spec
    try:
        days = _crontab_days(spec)
    except ValueError:
        days = set()
    # Anything malformed is left as it is, for APScheduler to reject with its own message.
    return ",".join(_WEEKDAY_NAMES[day] for day in sorted(days)) if days else spec


def _crontab_days(spec: str) -> set[int]:
    days: set[int] = set()
    for part in spec.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            first, last = 0, 6
        else:
            low, _, high = span.partition("-")
            first = int(low)
            last = int(high) if high else (6 if step else first)
        if not 0 <= first <= last <= 7:
            raise ValueError(spec)
        days.update(day % 7 for day in range(first, last + 1, int(step or 1)))
    return days
