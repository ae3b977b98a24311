"""Which angles of an incident a tree of causes covers, and the questions for the rest.

Pure: no Slack, no database, no clock. The seed's five whys look at an outage from four angles:
what triggered it (a script shut the servers off), why the impact was so large (no permission
difference between one server and many), why nobody noticed sooner (no alarm on servers
shutting down) and why the work was done the way it was (no UI, so it was done by hand).
An angle is covered when a question asked or an answer given in the tree speaks of it:

- TRIGGER: as soon as the tree has any answer. Answers never end with "?" (questions are
  chatter, not answers), so any text that does not end with "?" counts as one.
- DETECTION: noticing, alarms, alerts, paging, monitoring, dashboards, catching it sooner.
- BLAST_RADIUS: the size of the impact and what bounds it: "so many", permissions, limits,
  scope, fleet-wide, cascading, isolation, redundancy, staged rollouts.
- PROCESS: how the work is done: by hand, tooling or a UI, automation, runbooks, checklists,
  reviews and approvals. "The config change was not reviewed" covers it: a missing review is
  a gap in how changes are made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum


class Angle(StrEnum):
    TRIGGER = "trigger"
    BLAST_RADIUS = "blast_radius"
    DETECTION = "detection"
    PROCESS = "process"


ANGLE_QUESTIONS: dict[Angle, str] = {
    Angle.TRIGGER: "What triggered it?",
    Angle.DETECTION: "Why didn't we notice sooner?",
    Angle.BLAST_RADIUS: "Why was the impact so large?",
    Angle.PROCESS: "Why did this depend on someone doing it by hand, or remembering it?",
}
ORDER = (Angle.DETECTION, Angle.BLAST_RADIUS, Angle.PROCESS, Angle.TRIGGER)


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.I)


KEYWORDS: dict[Angle, re.Pattern[str]] = {
    Angle.DETECTION: _words(
        r"notic\w*|unnoticed|detect\w*|alarm\w*|alert\w*|monitor\w*|observab\w*|visibility",
        r"paged|pager\w*|paging|pagerduty|opsgenie|on-?call was (?:not )?(?:paged|told|notified)",
        r"dashboards?|metrics?|health ?checks?|synthetic\w*|anomal\w*|thresholds?|slos?",
        r"sooner|caught (?:it|this|the \w+)|catch (?:it|this|the \w+)|nobody knew|no one knew",
        r"silent(?:ly)?|unnoticed",
        r"time to detect|mttd",
    ),
    Angle.BLAST_RADIUS: _words(
        r"so (?:many|much|large|big|widespread|long)|blast radius|impact\w*|scope\w*",
        r"permissions?|limit\w*|rate[- ]limit\w*|throttl\w*|caps?|quotas?",
        r"fleet[- ]wide|whole fleet|entire fleet|at once|at the same time|all at once",
        r"(?:1|one|a single) (?:server|host|node|region|instance)s? (?:vs\.?|versus|or|and) many",
        r"cascad\w*|spread|propagat\w*|isolat\w*|bulkheads?|cells?|shard\w*|redundan\w*",
        r"single point of failure|spof|fail ?over|fallback|circuit breakers?",
        r"canary|canaries|staged|gradual\w*|phased|incremental\w*",
    ),
    Angle.PROCESS: _words(
        r"manual\w*|by hand|hand-?\w+ed|human(?:s)? (?:had|has|have) to|someone (?:had|has) to",
        r"ui|user interface|tool\w*|console|self-?service|automat\w*|script(?:ed)? by hand",
        r"runbooks?|playbooks?|checklists?|procedures?|workflow\w*",
        r"(?:release|deploy\w*|change|review|approval|manual|business|team|our|hardware|swap"
        r"|replacement|operational|on-?call) process\w*",
        r"review\w*|approv\w*|sign-?off|change (?:management|request|ticket)s?",
        r"hand-?offs?|handover|training|documentation|documented|undocumented",
    ),
}


def angles_covered(texts: Iterable[str]) -> frozenset[Angle]:
    """The angles that the questions asked and answers given in a tree of causes speak of."""
    covered = set()
    for text in texts:
        stripped = text.strip()
        if stripped and not stripped.endswith(("?", "？")):
            covered.add(Angle.TRIGGER)
        covered.update(angle for angle, pattern in KEYWORDS.items() if pattern.search(stripped))
    return frozenset(covered)


def missing_angles(texts: Iterable[str]) -> list[Angle]:
    """The angles the tree has not looked at yet: detection, blast radius, process, trigger."""
    covered = angles_covered(texts)
    return [angle for angle in ORDER if angle not in covered]
