"""The nudge sweep and the weekly digest over 1k, 10k and 100k action items ever recorded.

The data is what an organisation accumulates over two years: incidents one after another, each
in a channel of its own with ten action items, each item open for about a month, so the older
reviews are all closed and the newest still open. Of all items, 91% were closed before the
digest's week, 1% were completed in it, 4% are open and due later, 1% are due within two days
and 3% overdue (half of those already reminded today). One owner in ten has never been looked up
(COE_TIMEZONE stands in for their timezone).

Times cover deciding, recording and queueing; the DMs and digest messages are queued in the
outbox, not sent (Slack's speed is not ours to measure). The last row is the 10k set after 90k
more items closed long ago: the sweep and digest should cost what they cost at 10k.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from bench.harness import POSTGRES, scratch_database
from bot.runtime import heap, jobs
from bot.runtime.context import Runtime
from bot.settings import load_settings
from bot.slack import delivery
from bot.slack.outgoing import SlackOutgoing
from bot.slack.reading import SlackReading
from bot.use_cases import nudges as nudge_use_case
from storage import nudges as store
from storage.db import make_engine
from storage.models import ActionItem, Coe, SlackUser

# Wednesday 14:00 UTC: working hours in London and New York, night in Tokyo and Sydney. The
# digest's period is the week to Monday 23 November, 09:00 UTC.
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
WEEK_START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ZONES = (
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
)
ITEMS_PER_COE = 10
# (kind, share of all items), oldest first
MIX = (
    ("closed long ago", 0.91),
    ("completed this week", 0.01),
    ("open, due later", 0.04),
    ("due soon", 0.01),
    ("overdue", 0.015),
    ("overdue, reminded today", 0.015),
)


@dataclass(frozen=True)
class Case:
    label: str
    items: int
    history: int = 0  # more items closed long ago, in older COEs of their own


def cases(sizes: list[int]) -> list[Case]:
    found = [Case(f"{size:,}", size) for size in sizes]
    if 10_000 in sizes and 100_000 in sizes:
        found.append(Case("10,000 + 90,000 closed", 10_000, history=90_000))
    return found


def run(database: str, sizes: list[int], postgres: str = POSTGRES) -> list[dict[str, Any]]:
    """One row of figures per case, each in a database of its own."""
    rows = []
    for case in cases(sizes):
        with scratch_database(database, postgres) as url:
            rows.append({"database": database, **measure(url, case)})
    return rows


def measure(url: str, case: Case) -> dict[str, Any]:
    env = {"SLACK_BOT_TOKEN": "xoxb-bench", "DATABASE_URL": url}
    # COE_BENCH_WITHOUT=gc measures the sweep and the digest without the heap's settings.
    env["COE_BENCH_WITHOUT"] = os.environ.get("COE_BENCH_WITHOUT", "")
    settings = load_settings(env)
    engine = make_engine(settings.database_url)
    SQLModel.metadata.create_all(engine)
    try:
        counts = fill(engine, case)
        rt = Runtime(
            settings=settings,
            engine=engine,
            # Never called: what the sweep and the digest owe Slack stays queued in the outbox.
            slack=WebClient(token="xoxb-bench", base_url="http://127.0.0.1:9/"),
            outgoing=SlackOutgoing,
            reading=SlackReading,
            clock=lambda: NOW,
        )
        # As `coe-bot serve`, `nudge` and `digest` set their process once started.
        heap.settle(settings)
        with Session(engine) as session:
            zone_days = nudge_use_case.zones_at_work(
                store.known_zones(session=session),
                settings,
                NOW,
                nudge_use_case.nudge_policy(settings),
            )
            candidates = store.nudge_candidates(
                session=session,
                zone_days=zone_days,
                default_zone=settings.timezone.key,
                due_soon_days=settings.nudge_due_soon_days,
            )
        began = time.perf_counter()
        nudges = nudge_use_case.record_nudges(rt)
        sweep = time.perf_counter() - began
        began = time.perf_counter()
        again = nudge_use_case.record_nudges(rt)
        sweep_again = time.perf_counter() - began
        began = time.perf_counter()
        with _queue_only():
            digest = jobs.digest(rt)
        digest_time = time.perf_counter() - began
    finally:
        engine.dispose()
    return {
        "case": case.label,
        "items": case.items + case.history,
        **counts,
        "candidates": len(candidates),
        "nudges": len(nudges),
        "sweep_ms": sweep * 1000,
        "sweep_again_nudges": len(again),
        "sweep_again_ms": sweep_again * 1000,
        "digest_channels": len({sent.channel for sent in digest.sent}),
        "digest_messages": len(digest.sent),
        "digest_skipped": len(digest.skipped),
        "digest_ms": digest_time * 1000,
    }


@contextmanager
def _queue_only() -> Iterator[None]:
    """The digest queues its messages and sends nothing: sending is the outbox's, and Slack's."""
    deliver = delivery.deliver
    delivery.deliver = lambda rt, ids: None  # type: ignore[assignment]
    try:
        yield
    finally:
        delivery.deliver = deliver


def fill(engine: Engine, case: Case) -> dict[str, int]:
    """Insert the case's COEs, owners and items; returns how many open and due items it has."""
    rng = random.Random(42)
    owners = [f"U{n:06d}" for n in range(max(20, (case.items + case.history) // 50))]
    kinds = ["closed long ago"] * case.history + _kinds(case.items)
    today = NOW.date()
    with Session(engine) as session:
        users = [
            {"user_id": owner, "tz": ZONES[n % len(ZONES)], "fetched_at": NOW}
            for n, owner in enumerate(owners)
            if n % 10
        ]
        _insert(session, SlackUser, users)
        coe_count = -(-len(kinds) // ITEMS_PER_COE)
        oldest = NOW - timedelta(days=730)
        coes = [
            {
                "id": n + 1,
                "channel_id": f"C{n:07d}",
                "problem": f"Incident {n}",
                "facilitator_id": owners[n % len(owners)],
                "status": "chain_done",
                "parent_ts": f"1700000000.{n:06d}",
                "created_at": oldest + (NOW - oldest) * n / coe_count - timedelta(days=1),
                "version": 1,
            }
            for n in range(coe_count)
        ]
        _insert(session, Coe, coes)
        items = [
            _item(rng, n, coes[n // ITEMS_PER_COE], rng.choice(owners), kind, today)
            for n, kind in enumerate(kinds)
        ]
        _insert(session, ActionItem, items)
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    due = sum(1 for kind in kinds if kind.startswith(("due", "overdue")))
    return {"open": sum(1 for item in items if item["status"] == "open"), "due": due}


def _kinds(count: int) -> list[str]:
    kinds: list[str] = []
    for kind, share in MIX:
        kinds += [kind] * round(share * count)
    return kinds[:count] + [MIX[-1][0]] * (count - len(kinds))


def _item(
    rng: random.Random, n: int, coe: dict[str, Any], owner: str, kind: str, today: date
) -> dict[str, Any]:
    created = coe["created_at"]
    row: dict[str, Any] = {
        "coe_id": coe["id"],
        "why_number": 1,
        "text": f"Action item {n}",
        "owner_id": owner,
        "created_by": coe["facilitator_id"],
        "created_at": created,
        "status": "open",
        "due": (created + timedelta(days=14)).date(),
        "priority": "medium",
        "due_soon_nudged": False,
        "last_nudged_on": None,
        "closed_at": None,
    }
    if kind == "closed long ago":
        closed = min(created + timedelta(days=rng.uniform(1, 30)), WEEK_START - timedelta(days=1))
        row.update(status=rng.choice(("done", "done", "done", "dropped")), closed_at=closed)
    elif kind == "completed this week":
        row.update(status="done", closed_at=WEEK_START + timedelta(days=rng.uniform(0, 7)))
    elif kind == "open, due later":
        row["due"] = today + timedelta(days=rng.randint(4, 120))
    elif kind == "due soon":
        row["due"] = today + timedelta(days=rng.randint(0, 2))
    else:
        row.update(due=today - timedelta(days=rng.randint(1, 40)), due_soon_nudged=True)
        if kind == "overdue, reminded today":
            row["last_nudged_on"] = today
    return row


def _insert(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for start in range(0, len(rows), 5_000):
        session.execute(table.insert(), rows[start : start + 5_000])
