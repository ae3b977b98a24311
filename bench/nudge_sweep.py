"""How long a nudge sweep takes to decide and record over 100k action items.

    python -m bench.nudge_sweep                     # a temporary SQLite file
    DATABASE_URL=postgresql://... python -m bench.nudge_sweep --reset

Fills the database with items that are mostly not due yet, some due soon, some overdue, and many
of the overdue ones already reminded today, then times the sweep's decide-and-record step (the
DMs are queued in the outbox but not sent: Slack's speed is not ours to measure). It times a
second sweep too, the steady state: everything owed was reminded a moment ago.

With DATABASE_URL, the database must be a scratch one: `--reset` empties its coe-bot tables.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, func, select

from bot import followup
from bot.runtime import Runtime
from bot.settings import load_settings
from storage import followup as store
from storage.db import make_engine
from storage.models import ActionItem, Coe, SlackUser

# Wednesday 14:00 UTC: working hours in London and New York, night in Tokyo and Sydney.
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
ZONES = (
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Australia/Sydney",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--owners", type=int, default=2_000)
    parser.add_argument("--reset", action="store_true", help="empty the coe-bot tables first")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as scratch:
        url = url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        settings = load_settings(
            {"SLACK_BOT_TOKEN": "xoxb-bench", "DATABASE_URL": url}, need_slack=True
        )
        engine = make_engine(settings.database_url)
        prepare(engine, args.reset)
        mix = fill(engine, args.items, args.owners)
        rt = Runtime(
            settings=settings,
            engine=engine,
            # Never called: the sweep's Slack calls go through the outbox, which is not drained.
            slack=WebClient(token="xoxb-bench", base_url="http://127.0.0.1:9/"),
            clock=lambda: NOW,
        )
        report(rt, mix)
        engine.dispose()
    return 0


def prepare(engine: Engine, reset: bool) -> None:
    with Session(engine) as session:
        existing = session.exec(select(func.count()).select_from(ActionItem)).one()
    if existing and not reset:
        sys.exit("The database already has action items; pass --reset to empty it first.")
    if existing:
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)


def fill(engine: Engine, count: int, owner_count: int) -> dict[str, int]:
    """Insert `count` items and return how many of each kind went in."""
    rng = random.Random(42)
    today = NOW.date()
    owners = [f"U{n:06d}" for n in range(owner_count)]
    started = time.perf_counter()
    with Session(engine) as session:
        # One owner in ten has never been looked up: the sweep falls back to COE_TIMEZONE.
        users = [
            {"user_id": owner, "tz": ZONES[n % len(ZONES)], "fetched_at": NOW}
            for n, owner in enumerate(owners)
            if n % 10
        ]
        session.exec(SlackUser.__table__.insert(), params=users)  # type: ignore[attr-defined,call-overload]
        coe = Coe(channel_id="CBENCH", problem="bench", facilitator_id="U0", created_at=NOW)
        session.add(coe)
        session.flush()
        mix = {"later": 0, "due soon": 0, "overdue": 0, "overdue, reminded today": 0, "closed": 0}
        rows = [_item(rng, n, coe.id or 0, rng.choice(owners), today, mix) for n in range(count)]
        for start in range(0, len(rows), 5_000):
            session.exec(ActionItem.__table__.insert(), params=rows[start : start + 5_000])  # type: ignore[attr-defined,call-overload]
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    print(
        f"filled {count:,} items for {owner_count:,} owners in {time.perf_counter() - started:.1f}s"
    )
    return mix


def _item(
    rng: random.Random, n: int, coe_id: int, owner: str, today: date, mix: dict[str, int]
) -> dict[str, Any]:
    roll = rng.random()
    row: dict[str, Any] = {
        "coe_id": coe_id,
        "text": f"Action item {n}",
        "owner_id": owner,
        "created_by": "U0",
        "created_at": NOW,
        "status": "open",
        "due_soon_nudged": False,
        "last_nudged_on": None,
        "priority": "medium",
    }
    if roll < 0.05:
        row.update(
            status=rng.choice(("done", "dropped")), due=today - timedelta(rng.randint(1, 60))
        )
        mix["closed"] += 1
    elif roll < 0.80:
        row["due"] = today + timedelta(days=rng.randint(4, 120))
        mix["later"] += 1
    elif roll < 0.83:
        row["due"] = today + timedelta(days=rng.randint(0, 2))
        mix["due soon"] += 1
    elif roll < 0.87:
        row.update(due=today - timedelta(days=rng.randint(1, 40)), due_soon_nudged=True)
        mix["overdue"] += 1
    else:
        row.update(
            due=today - timedelta(days=rng.randint(1, 40)),
            due_soon_nudged=True,
            last_nudged_on=today,
        )
        mix["overdue, reminded today"] += 1
    return row


def report(rt: Runtime, mix: dict[str, int]) -> None:
    print("items: " + ", ".join(f"{kind} {number:,}" for kind, number in mix.items()))
    print(f"database: {rt.engine.dialect.name}, now: {NOW:%A %Y-%m-%d %H:%M} UTC")
    started = time.perf_counter()
    with Session(rt.engine) as session:
        zones = store.known_zones(session=session)
        zone_days = followup.zones_at_work(
            zones, rt.settings, NOW, followup.nudge_policy(rt.settings)
        )
        candidates = store.nudge_candidates(
            session=session,
            zone_days=zone_days,
            default_zone=rt.settings.timezone.key,
            due_soon_days=rt.settings.nudge_due_soon_days,
        )
    query = time.perf_counter() - started
    print(f"candidate query: {len(candidates):,} rows in {query * 1000:.0f} ms")
    print("  zones at work: " + "; ".join(f"{zd.day}: {', '.join(zd.zones)}" for zd in zone_days))
    for line in plan(rt.engine, zone_days, rt.settings.timezone.key):
        print(f"  plan: {line[:120]}")

    started = time.perf_counter()
    queued = followup.record_nudges(rt)
    first = time.perf_counter() - started
    print(f"sweep (decide + record + queue): {len(queued):,} nudges in {first * 1000:.0f} ms")

    started = time.perf_counter()
    again = followup.record_nudges(rt)
    second = time.perf_counter() - started
    print(f"next sweep, nothing new owed: {len(again):,} nudges in {second * 1000:.0f} ms")


def plan(engine: Engine, zone_days: list[store.ZoneDay], default_zone: str) -> list[str]:
    """The database's plan for the candidate query, to show it walks the (status, due) index."""
    statement = store.candidate_query(
        zone_days=zone_days, default_zone=default_zone, due_soon_days=2
    )
    compiled = statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN" if engine.dialect.name == "sqlite" else "EXPLAIN"
    with engine.connect() as connection:
        return [str(row[-1]).strip() for row in connection.exec_driver_sql(f"{explain} {compiled}")]


if __name__ == "__main__":
    sys.exit(main())
