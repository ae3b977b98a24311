"""What the action item rule tests share: the days they run on, and a chain with answers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.facilitation import Chain, record_answer, start
from tests.scenario import posted

WEDNESDAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
SUNDAY = date(2026, 11, 29)
ANSWERS = [
    "All the servers were turned off.",
    "A script was run which shut them off.",
    "There were no alarms on the number of servers shutting down.",
]
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def answered(count: int) -> Chain:
    chain = start("The site went down")
    for number, text in enumerate(ANSWERS[:count], start=1):
        chain = posted(chain, f"1.{number - 1:06d}5")  # each why is posted before its answer
        chain = record_answer(chain, text, "UBOB", f"1.{number:06d}")
    return chain
