"""Links into Slack."""

from __future__ import annotations


def coe_ref(key: str, link: str | None) -> str:
    """`COE-12` as a link to its thread when there is one (mrkdwn)."""
    return f"<{link}|{key}>" if link else key
