"""The knobs that trade speed, load and robustness, in one place, each with why it is set so.

Limits Slack imposes on a message are not here: they live with the Block Kit that respects them
(bot/slack/blocks.py). Settings a team changes for itself are in `Settings`.
"""

from __future__ import annotations

from datetime import timedelta

# Where the worker is a process of its own (PostgreSQL), how much less it gets of a busy CPU
# than the process that acks (os.nice).
WORKER_NICENESS = 5

# Container allocations (net of frees) between two passes over the youngest generation of
# Python's garbage collector (runtime/heap.py); Python's own is 700. A digest allocates far more
# short-lived containers than that, which reference counting frees without any pass; the cycles
# the passes find wait a little longer.
GC_YOUNGEST_THRESHOLD = 10_000

# The worker -----------------------------------------------------------------------------------

# Tries at a transition whose COE another transition changed meanwhile (optimistic locking).
TRANSACT_ATTEMPTS = 5
# Tries at a stored request that keeps failing before its sender is told it was not recorded.
REQUEST_ATTEMPTS = 5
RETRY_DELAY = timedelta(seconds=10)
POLL_SECONDS = 0.5
# Requests handled at once. More threads overlap more Slack calls, but on a small machine they
# take the CPU (the interpreter lock in one process, the database's in all) from the listeners'
# acks, for no faster "why?"s (bench/README.md, "The knobs").
THREADS = 8
# A request waits no longer than this for the listeners to finish acking (runtime/acks_first.py):
# a burst is acked in well under it, and a steady stream of acks cannot stall the worker.
ACKS_FIRST_WAIT = 0.5
# Commands, clicks and forms: someone waits on each, so they have threads of their own, which a
# backlog of replies cannot hold up. Their time goes on waiting for Slack (`/coe start` posts
# the parent, then the first why), not on the CPU, so they can be many; on PostgreSQL the CPU
# it shares with the database is the limit, and more threads only take more of it per start.
INTERACTIVE_THREADS = 16
INTERACTIVE_THREADS_SQLITE = 32
# The outbox pass sends what nobody is sending: retries, and changes put off on purpose. It
# waits for a moment with no reply in hand (a handler sends its own messages the moment they
# commit, and a pass starting then could take them over), but never longer than this.
OUTBOX_PASS_AT_LEAST_EVERY = 5.0

# Delivery -------------------------------------------------------------------------------------

# Tries at sending one outbox message before it is given up as failed.
SEND_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=2)
# Claims go stale only after STALE_CLAIM: looking for them at every pass finds nothing new.
RECOVER_EVERY = timedelta(seconds=30)
# A sender answers within this long (Slack client timeout and all), or has died: a post it
# took holds the later ones to its channel back no longer than this.
SENDING_HOLD = timedelta(seconds=15)
# Threads that make the outbox's Slack calls for the whole process (runtime/senders.py); the
# posts to one channel still go one at a time, in order. They mostly wait on Slack: a reply's
# handler hands them its why and goes on to the next reply, and too few of them leave a burst
# waiting with the CPU half idle.
SENDERS = 32
# chat.update is rate limited per workspace (Tier 3), and a lively thread changes the why
# number faster than anyone reads it: "asking why #n" waits this long to absorb a burst.
PARENT_UPDATE_DELAY = timedelta(seconds=2)
# Tier 3 is about 50 a minute: the refreshes of all the COEs under way share 40 of them, and
# leave the rest to other updates.
PARENT_UPDATES_APART = timedelta(seconds=1.5)
# A modal opened before the ack must beat the trigger's three seconds, ack included.
MODAL_OPEN_TIMEOUT = 2

# What Slack said about channels and people ----------------------------------------------------

# A read Slack rate limited is made again after its Retry-After, this many times, if Slack asks
# for no longer a wait than this (seconds): longer, and the read fails and its caller falls back
# on what it knew.
READ_RETRIES = 2
READ_RETRY_WAIT = 30
