"""The team's own timeline lines (`timeline: 14:05 paged the on-call`), read for the document.

Pure. A line starts with a time ("14:05", "2:05pm", "9am", "14:05 UTC"), optionally after a
date ("2026-12-04 14:05", "yesterday 23:50"); the rest is what happened. The time is read in
the COE's timezone, on the day the COE started unless the line names another. A line whose time
cannot be read is kept as written, without one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.core.document import Moment

_LINE = re.compile(
    r"""^\s*
    (?:(?P<date>\d{4}-\d{2}-\d{2})|(?P<yesterday>yesterday))?[\sT,]*
    (?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?
    (?:\s*(?P<utc>utc|gmt|z)\b)?
    [\s,:;\-–—]*(?P<what>.*)$""",
    re.I | re.S | re.X,
)


def read_line(text: str, day: date, zone: tzinfo) -> Moment:
    """A `timeline:` line as a moment of the timeline, on `day` unless it names a date."""
    match = _LINE.match(text)
    if match is None or not (match["minute"] or match["half"]) or not match["what"].strip():
        return Moment(None, text.strip())
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            return Moment(None, text.strip())
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return Moment(None, text.strip())
    if match["date"]:
        try:
            day = date.fromisoformat(match["date"])
        except ValueError:
            return Moment(None, text.strip())
    elif match["yesterday"]:
        day -= timedelta(days=1)
    where = UTC if match["utc"] else zone
    return Moment(datetime.combine(day, time(hour, minute), tzinfo=where), match["what"].strip())
