"""What the two halves of a Slack feature agree on about a request the listener stores.

The listener notes things in Slack's body before storing it; the worker's handler reads them
back from the stored request.
"""

from __future__ import annotations

from typing import Any

# When the request came, noted in the stored body: Slack's command payloads carry no time.
RECEIVED = "coe_received_at"
# The modal a listener opened for a click, noted in the click it stores for the worker.
OPENED = "coe_opened_modal"

SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again."


def user_id(body: dict[str, Any]) -> str:
    """Who sent a command (`user_id`) or clicked (`user.id`)."""
    return str(body.get("user_id") or body["user"]["id"])
