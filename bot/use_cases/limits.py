"""How much the use cases do at once, and how long they trust what Slack said.

Knobs of the runtime (threads, attempts, pacing) are in bot/runtime/tuning.py; settings a team
changes for itself are in `Settings`. What each value measured is in bench/README.md.
"""

from __future__ import annotations

from datetime import timedelta

# The follow-up ----------------------------------------------------------------------------------

# Items recorded and queued per transaction: a big sweep holds no lock for long.
NUDGE_BATCH = 200
# users.info calls per sweep (Tier 4, 100+ a minute): owners soon to be reminded whom the user
# cache does not know, then those it heard of over a day ago (a timezone changes, an account is
# deactivated).
PROFILE_LOOKUPS = 50
# Channels whose digests are claimed and queued per transaction: a crash between two leaves the
# later channels' digests owed. Each batch is read and built before its transaction, which then
# holds the write lock (on SQLite, the one the acks wait for) for the claims and the queueing.
DIGEST_BATCH = 300
# A digest to COE_DIGEST_CHANNEL that Slack would not say enough to decide is tried again after
# this long (the reading client already waited out a Retry-After of up to 30 s).
DIGEST_RETRY_AFTER = timedelta(minutes=5)

# What Slack said about channels and people ----------------------------------------------------

# Joining or leaving a channel shows in the lists within this time (kept per process).
MEMBERSHIP_TTL = timedelta(minutes=5)
GUEST_TTL = timedelta(hours=1)
# What a channel is (private, shared, archived) is kept in the database and changed by Slack's
# channel events; each channel holding a COE is also looked at again after this long, for what
# no event said. conversations.info is Tier 3 (about 50 a minute): the scheduled look takes at
# most CHANNEL_LOOKUPS of them a minute, and leaves the rest to lists and digests.
LOOK_AT_CHANNELS_AGAIN_AFTER = timedelta(days=1)
CHANNEL_LOOKUPS = 20
