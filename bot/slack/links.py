"""Links into Slack."""

from __future__ import annotations

from bot.core.review_text import thread_link as thread_link


def coe_ref(key: str, link: str | None) -> str:
    """`COE-12` as a link to its thread when there is one (mrkdwn)."""
    return f"<{link}|{key}>" if link else key
