"""The follow-up of action items: reminders to their owners (bot/nudges.py) and the weekly
digest (bot/digests.py), under the names the scheduler, the command line and the tests use.

Both are safe to run at the same moment in two processes: each message is recorded in the
database (a `nudge` or `digest` row with a unique key) in the transaction that queues it, so
whoever inserts the row sends the message and everyone else skips it.
"""

from bot.delivery import Sent
from bot.digests import ALREADY_DONE, DigestRun, post_digests
from bot.nudges import learn_owner_zones, nudge_policy, nudge_sweep, record_nudges, zones_at_work

__all__ = [
    "ALREADY_DONE",
    "DigestRun",
    "Sent",
    "learn_owner_zones",
    "nudge_policy",
    "nudge_sweep",
    "post_digests",
    "record_nudges",
    "zones_at_work",
]
