"""Links into Slack."""

from __future__ import annotations


def thread_link(channel_id: str, parent_ts: str | None, permalink: str | None) -> str | None:
    """The link to a COE's thread: Slack's permalink, else one made from the parent's ts.

    None while the parent message is not posted.
    """
    if permalink:
        return permalink
    if not parent_ts:
        return None
    return f"https://slack.com/archives/{channel_id}/p{parent_ts.replace('.', '')}"


def coe_ref(key: str, link: str | None) -> str:
    """`COE-12` as a link to its thread when there is one (mrkdwn)."""
    return f"<{link}|{key}>" if link else key
