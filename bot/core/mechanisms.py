"""Action items that ask people to be more careful, and those that build a mechanism.

Pure: no Slack, no database, no clock. People will always make mistakes, so "remind everyone to
double-check" changes little; an alarm, a guard rail or permission limit, automation, or a tool
or UI changes what a mistake can do. An item is weak when it asks people to try harder and
builds nothing: "add an alarm and remind the team" builds something, so it is not weak.
Documentation changes ("update the runbook") are neither: they are not flagged.
"""

from __future__ import annotations

import re

WEAK_ACTION_ADVICE = (
    "This action item asks people to be more careful, which is not a mechanism: people will "
    "always make mistakes. Mechanisms that work anyway are an alarm, a guard rail or "
    "permission limit, automation, or a tool or UI that makes the mistake hard to make."
)


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


# Whom an item may ask to try harder.
_PEOPLE = (
    r"(?:the |our |all |a |any )?(?:people|everyone|everybody|engineers?|devs?|developers?"
    r"|team|teams|we|they|folks|staff|operators?|reviewers?|on-?call(?:ers?)?|sres?|admins?"
    r"|ops|support|qa|users|\w+ team|new hires|interns?|contractors?|whoever \w+|<?@[\w.|-]+>?)"
)
# Asking people to be more careful, to remember, or to be taught.
WEAK = _words(
    r"re-?mind\w*|re-?train\w*|train\w*|educat\w*|coach\w*|mentor\w*|teach\w*|lectur\w*",
    r"re-?educat\w*|brief (?:the|everyone|people|engineers)|warn (?:the|everyone|people|them)",
    r"discipline|reprimand\w*|counsel\w*|scold\w*|hold \w+(?: \w+)? accountable|accountability",
    r"(?:tell|instruct|encourage|urge|advise|remind) \S+(?: \S+){0,2} to",
    r"have \S+(?: \S+)? (?:review|check|verify|look|double|confirm|read|watch)",
    rf"ask {_PEOPLE}(?: \w+)? to",
    rf"(?:talk|speak) (?:to|with) {_PEOPLE}|have a (?:word|chat|talk|conversation) with",
    r"sit down with|follow up with (?:the engineer|him|her|them|the person)",
    r"be (?:more |extra |very |really )?(?:careful|cautious|vigilant|diligent|attentive"
    r"|mindful|thorough|aware|alert|disciplined)",
    r"(?:more|extra|greater|additional|closer|better) (?:care|caution|attention|vigilance"
    r"|diligence|discipline|rigou?r|scrutiny|focus)",
    r"more (?:carefully|closely|thoroughly|attentively|cautiously)|carefully",
    r"pay (?:more |closer |extra |special )?attention",
    r"double[- ]?check\w*|triple[- ]?check\w*",
    r"do not forget|don'?t forget|remember to|never forget|always remember|keep in mind",
    r"think twice|slow down|take (?:more )?(?:care|time)|try harder|try not to",
    r"importance of|raise awareness|awareness|emphasi[sz]e|stress (?:that|the|to)|reinforce"
    r"|reiterate",
    rf"communicate (?:the|to|that|with) (?:importance|{_PEOPLE})",
    r"share (?:the )?(?:learnings|lessons|postmortem|post-mortem|coe)",
    r"best practices?|lessons learned|lunch and learn|brown bag|all-hands|workshop",
    rf"make sure (?:that )?{_PEOPLE} |ensure (?:that )?{_PEOPLE} ",
    rf"{_PEOPLE} (?:should|must|need to|needs to|have to|has to|will)"
    r" (?:always |never |now |from now on )?(?:check|verify|read|review|look|test|follow|be"
    r"|remember|confirm|make sure|ensure|pay|think|ask|wait|double|avoid|not)",
    r"^(?:always|never) \w+",
    r"^(?:follow|read|review|check|consult|re-?read|study) (?:the |our )?(?:runbook|checklist"
    r"|docs|documentation|process|procedure|guidelines?|instructions|wiki|playbook)",
)
# Building or scheduling these asks people to do better too: "create a training".
WEAK_OBJECTS = _words(
    r"(?:add|create|set up|build|schedule|hold|run|organi[sz]e|send|write|do|give|prepare|plan"
    r"|put|post|hang|provide)"
    r" (?:\S+ ){0,3}?(?:trainings?|reminders?|emails?|announcements?|memos?|sessions?"
    r"|workshops?|presentations?|talks?|courses?|posters?|newsletters?|refreshers?|lectures?"
    r"|brown bags?|lunch and learns?|retros?|sticky notes?|post-its?|signs?)"
)
# Something that holds whoever is careless: an alarm, a limit, automation, a tool.
MECHANISM = _words(
    r"(?:add|build|create|implement|require|enforce|limit|cap|restrict|block|gate|introduce"
    r"|set up|configure|write|make|replace|migrate|disable|rate-?limit|validate|instrument"
    r"|ship|fix|change|lock|deny|revoke|put|install|deploy|wire|hook|turn on|enable|give)"
    r" (?:\S+ ){0,6}?(?:alarms?|alerts?|alerting|monitor\w*|pag(?:e|es|ing)|guard ?rails?"
    r"|guards?|safeguards?|permissions?|approv\w+|limits?|caps?|quotas?|dry-?run|confirmation"
    r"|prompts?|scripts?|tool\w*|ui|button|pipeline|ci|lint\w*|checks?|tests?|validat\w*"
    r"|policy|policies|locks?|feature flags?|canary|circuit breakers?|two-person|bot|cron"
    r"|jobs?|dashboards?|interlock|sign-?off|review step|gate|interface|form|api|cli|mode"
    r"|rule|rules|threshold|timeout|rollback|undo|backups?|access|role|roles)",
    r"automat\w*",
)
# Framing that says nothing about the action: "we should", "going forward, ...".
_FRAMING = re.compile(
    r"^(?:(?:action(?: item)?|todo|to do|ai|next steps?)\s*:\s*)?"
    r"(?:(?:going|moving) forward|in the future|from now on|next time)?[\s,]*"
    r"(?:(?:we|i|you|the team) (?:should|must|need to|will|have to|ought to|could)\s+"
    r"|let'?s\s+|let us\s+|need to\s+|please\s+)?"
)


def is_weak_action(text: str) -> bool:
    """Whether an action item asks people to be more careful instead of building a mechanism."""
    words = _FRAMING.sub("", " ".join(text.lower().replace("’", "'").split()), count=1)
    if WEAK_OBJECTS.search(words):
        return True
    return bool(WEAK.search(words)) and not MECHANISM.search(words)
