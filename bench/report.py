"""The tables `python -m bench` prints, and coe-bot's figures as ratios to the naive bot's."""

from __future__ import annotations

import math
from typing import Any

PERCENTILES = ("p50", "p95", "p99", "max")
NAIVE = "naive"


def with_ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each coe-bot row gains its figures divided by the naive bot's at the same level and load."""
    naive = {(row["level"], row["load"]): row for row in rows if row["bot"] == NAIVE}
    for row in rows:
        base = naive.get((row["level"], row["load"]))
        if row["bot"] == NAIVE or base is None:
            continue
        for measure in ("ack", "why"):
            row[f"{measure}_ratio"] = {
                pct: _ratio(row[measure][pct], base[measure][pct]) for pct in PERCENTILES
            }
    return rows


def _ratio(ours: float, theirs: float) -> float | None:
    if math.isnan(ours) or math.isnan(theirs) or theirs <= 0:
        return None
    return ours / theirs


def print_latency(rows: list[dict[str, Any]]) -> None:
    titles = {
        "ack": "Ack, ms (coe-bot: × the naive bot's in the same run)",
        "why": "Reply → next why, ms (start: /coe start → why #1)",
    }
    for measure, title in titles.items():
        print(f"\n{title}")
        header = "".join(f"{pct:>16}" for pct in PERCENTILES)
        print(f"{'sessions':>8}  {'load':<7}{'bot':<22}{header}")
        for row in rows:
            ratios = row.get(f"{measure}_ratio") or {}
            cells = "".join(_cell(row[measure][pct], ratios.get(pct)) for pct in PERCENTILES)
            print(f"{row['level']:>8}  {row['load']:<7}{row['bot']:<22}{cells}")


def print_cpu(rows: list[dict[str, Any]]) -> None:
    """The bots' own CPU per request: steadier than latency on a machine shared with others."""
    title = "CPU the bot used per request, ms (its processes; not PostgreSQL's)"
    _print_per_bot(rows, "cpu_ms_per_request", title)


def print_calls(rows: list[dict[str, Any]]) -> None:
    """The Slack Web API calls the bot made per request: what a real workspace rate limits."""
    _print_per_bot(rows, "slack_calls_per_request", "Slack Web API calls per request")


def _print_per_bot(rows: list[dict[str, Any]], key: str, title: str) -> None:
    bots = list(dict.fromkeys(row["bot"] for row in rows))
    width = max(22, *(len(bot) + 2 for bot in bots))
    print(f"\n{title}")
    print(f"{'sessions':>8}  {'load':<7}" + "".join(f"{bot:>{width}}" for bot in bots))
    cells: dict[tuple[int, str], dict[str, float]] = {}
    for row in rows:
        if key in row:
            cells.setdefault((row["level"], row["load"]), {})[row["bot"]] = row[key]
    for (level, load), by_bot in cells.items():
        figures = "".join(
            f"{by_bot[bot]:>{width}.1f}" if bot in by_bot else " " * width for bot in bots
        )
        print(f"{level:>8}  {load:<7}{figures}")


def _cell(value: float, ratio: float | None) -> str:
    figure = f"{value:9.1f}" if value < 10_000 else f"{value:9.0f}"
    return figure + (f" {ratio:5.2f}×" if ratio is not None else " " * 7)


def print_memory(rows: list[dict[str, Any]]) -> None:
    print("\nPeak memory over the run, MB (PSS shares pages with other processes; RSS does not)")
    for row in rows:
        print(
            f"  {row['bot']:<22} PSS {row['peak_pss_mb']:6.1f}   RSS {row['peak_rss_mb']:6.1f}"
            f"   ({row['processes']} process{'es' if row['processes'] > 1 else ''})"
        )


def print_followup(rows: list[dict[str, Any]]) -> None:
    print("\nNudge sweep and digest (decide, record and queue; ms)")
    print(
        f"  {'database':<11}{'items':<24}{'open':>7}{'due':>7}{'nudges':>8}{'sweep':>9}"
        f"{'again':>8}{'digests':>9}{'msgs':>6}{'digest':>9}"
    )
    for row in rows:
        print(
            f"  {row['database']:<11}{row['case']:<24}{row['open']:>7,}{row['due']:>7,}"
            f"{row['nudges']:>8,}{row['sweep_ms']:>9.0f}{row['sweep_again_ms']:>8.0f}"
            f"{row['digest_channels']:>9,}{row['digest_messages']:>6,}{row['digest_ms']:>9.0f}"
        )


def print_socket_mode(rows: list[dict[str, Any]]) -> None:
    print("\nSocket Mode, every session answering at once: ack and reply → next why, ms")
    header = "".join(f"{pct:>9}" for pct in PERCENTILES)
    print(f"  {'database':<11}{'sessions':>9}  {'':<5}{header}{'acks > 3 s':>12}")
    for row in rows:
        for measure in ("ack", "why"):
            cells = "".join(f"{row[measure][pct]:9.1f}" for pct in PERCENTILES)
            over = f"{row['acks_over_3s']:>12}" if measure == "ack" else ""
            print(f"  {row['database']:<11}{row['sessions']:>9}  {measure:<5}{cells}{over}")
