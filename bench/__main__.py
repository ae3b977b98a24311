"""coe-bot beside the bot a Slack developer writes first, under the same loads, in one run.

    python -m bench                          # everything: about ten minutes
    python -m bench --quick                  # 1 and 10 sessions, 1k and 10k items: two minutes
    python -m bench --levels 1,10 --db sqlite --no-followup
    python -m bench --no-latency --no-followup   # the Socket Mode burst only

Starts a fake Slack that answers every Web API call after 50 ms, the naive bot
(bench/naive_bot.py) and `coe-bot serve` on SQLite and on PostgreSQL, each database of its own
(created and dropped by the run), all on loopback. At each level (a number of sessions, that is
COEs running at once) every bot gets the same loads in turn: the sessions start, each answers
`--rounds` times at its own pace (steady), then all answer at once, `--rounds` times (burst).
Then coe-bot in Socket Mode, 200 sessions answering at once (bench/socket_burst.py). Then the
nudge sweep and the digest over 1k, 10k and 100k action items. Prints the tables and writes
every figure to `--json`. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import followup, load, report, socket_burst
from bench.harness import (
    POSTGRES,
    ROOT,
    certificate,
    running,
    scratch_database,
    started,
    stats,
)
from bench.load import Bot
from bench.slack import SlowSlack

COE_BOT = ["-m", "bot.cli", "serve"]
NAIVE_BOT = ["bench/naive_bot.py"]
SETTLE_SECONDS = 2.5


def main() -> int:
    args = _arguments()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": os.getloadavg(),
        },
        "options": {key: value for key, value in vars(args).items() if key != "json"},
        "slack_delay_ms": 50,
        "latency": [],
        "memory": [],
        "followup": [],
    }
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    if args.levels:
        results["latency"], results["memory"] = latency(args)
        report.print_latency(results["latency"])
        report.print_cpu(results["latency"])
        report.print_calls(results["latency"])
        report.print_memory(results["memory"])
    if args.socket_sessions:
        results["socket_mode"] = [
            socket_burst.run(database, args.socket_sessions, args.rounds, args.postgres)
            for database in args.db
        ]
        report.print_socket_mode(results["socket_mode"])
    if args.items:
        for database in args.db:
            results["followup"] += followup.run(database, args.items, args.postgres)
        report.print_followup(results["followup"])
    results["seconds"] = round(time.monotonic() - began, 1)
    results["machine"]["load_average_after"] = os.getloadavg()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, allow_nan=False, default=str) + "\n")
    print(f"\nwrote {args.json} ({results['seconds']:.0f} s)")
    return 0


def latency(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every load at every level, bot after bot at each level, so all share the same moment."""
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        tls = stack.enter_context(certificate()) if args.tls else None
        bots = []
        for name, database, root, without in _bots(args):
            slack = stack.enter_context(started(SlowSlack(tls=tls)))
            url = stack.enter_context(scratch_database(database or "sqlite", args.postgres))
            profile = args.profile / f"{name.replace(' ', '-')}.txt" if args.profile else None
            server = stack.enter_context(
                running(
                    COE_BOT if database else NAIVE_BOT, slack, url, profile, root, without=without
                )
            )
            bots.append(Bot(name, server, slack))
        for level in args.levels:
            for bot in bots:
                print(f"{bot.name}: {level} sessions", flush=True)
                rows += _level(bot, level, args.rounds, args.pace)
        memory = [
            {
                "bot": bot.name,
                "processes": bot.server.processes,
                "peak_rss_mb": bot.server.peak["rss"],
                "peak_pss_mb": bot.server.peak["pss"],
            }
            for bot in bots
        ]
    return report.with_ratios(rows), memory


def _bots(args: argparse.Namespace) -> list[tuple[str, str | None, Path, str]]:
    """(name, database or None for the naive bot, checkout to run it from, machinery off)."""
    bots: list[tuple[str, str | None, Path, str]] = [("naive", None, ROOT, "")]
    for database in args.db:
        if args.compare_with:
            label = args.compare_with.resolve().name
            bots.append((f"{label} {database}", database, args.compare_with, ""))
        bots.append((f"coe-bot {database}", database, ROOT, ""))
        again = 0
        for without in args.without:
            # "-": nothing off, the same bot again, to show how far two runs differ by chance.
            again += without == "-"
            label = f"again{'' if again == 1 else again}" if without == "-" else f"-{without}"
            bots.append((f"{label} {database}", database, ROOT, without.strip("-")))
    return bots


def _level(bot: Bot, level: int, rounds: int, pace: float) -> list[dict[str, Any]]:
    rows = []
    sessions: list[load.Session] = []

    def start() -> load.Samples:
        nonlocal sessions
        sessions, samples = load.start(bot, level)
        return samples

    for name, run in (
        ("start", start),
        ("steady", lambda: load.steady(bot, sessions, rounds, pace)),
        ("burst", lambda: load.burst(bot, sessions, rounds)),
    ):
        cpu, calls = bot.server.cpu_seconds(), len(bot.slack.calls)
        samples = run()
        # What the bot put off (coe-bot refreshes a COE's parent message two seconds after a
        # change) is done before the next load, and counted in this one.
        time.sleep(SETTLE_SECONDS)
        cpu = bot.server.cpu_seconds() - cpu
        calls = len(bot.slack.calls) - calls
        rows.append(
            {
                "bot": bot.name,
                "level": level,
                "load": name,
                "ack": stats(samples.acks),
                "why": stats(samples.whys),
                "cpu_ms_per_request": cpu * 1000 / max(1, len(samples.acks)),
                "slack_calls_per_request": calls / max(1, len(samples.acks)),
            }
        )
    bot.server.sample_memory()
    return rows


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--quick", action="store_true", help="levels 1,10; 2 rounds; 1k,10k items")
    parser.add_argument("--levels", type=_numbers, help="sessions at once (default 1,10,50,200)")
    parser.add_argument("--rounds", type=int, help="answers per session per load (default 3)")
    parser.add_argument("--pace", type=float, help="seconds between a session's steady answers")
    parser.add_argument("--db", type=_names, default=["sqlite", "postgresql"])
    parser.add_argument("--items", type=_numbers, help="action items (default 1000,10000,100000)")
    parser.add_argument("--no-latency", action="store_true", help="only the sweep and digest")
    parser.add_argument("--no-followup", action="store_true", help="only the latency and memory")
    parser.add_argument(
        "--socket-sessions",
        type=int,
        help="sessions answering at once in Socket Mode (default 200; 0: none)",
    )
    parser.add_argument(
        "--postgres", default=POSTGRES, help="a PostgreSQL server to create scratch databases on"
    )
    parser.add_argument(
        "--compare-with",
        type=Path,
        metavar="CHECKOUT",
        help="also run coe-bot from this other checkout (say, before a change), in the same run",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="the fake Slack answers over TLS, as Slack does (with a certificate made for the run)",
    )
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="NAME[,NAME]",
        help="also run coe-bot without this machinery (bot/settings.py MACHINERY); repeatable;"
        " '-' runs it again with everything, to show the noise",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="run each bot under py-spy (the bench extra) and write its collapsed stacks here",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    quick = args.quick
    args.levels = [] if args.no_latency else args.levels or ([1, 10] if quick else [1, 10, 50, 200])
    args.rounds = args.rounds or (2 if quick else 3)
    if args.socket_sessions is None:
        args.socket_sessions = 50 if quick else 200
    args.pace = args.pace or (2.0 if quick else 5.0)
    args.items = (
        []
        if args.no_followup
        else args.items or ([1_000, 10_000] if quick else [1_000, 10_000, 100_000])
    )
    return args


def _numbers(value: str) -> list[int]:
    return [int(part) for part in value.split(",") if part.strip()]


def _names(value: str) -> list[str]:
    names = [part.strip() for part in value.split(",") if part.strip()]
    unknown = set(names) - {"sqlite", "postgresql"}
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown database {', '.join(sorted(unknown))}")
    return names


if __name__ == "__main__":
    raise SystemExit(main())
