"""How a long-running process sets Python's garbage collector.

The cyclic collector's full pass walks every object the process holds, and by the time the bot
serves, SQLAlchemy, Bolt and slack_sdk have made about a hundred thousand of them that live as
long as it does: left as they are, the full passes took a quarter of a 100k-item digest.
"""

from __future__ import annotations

import gc

from bot.runtime.tuning import GC_YOUNGEST_THRESHOLD
from bot.settings import Settings


def settle(settings: Settings) -> None:
    """Call once, when start-up has built what lives as long as the process (unless the bench
    measures the process without it: COE_BENCH_WITHOUT=gc).

    What exists now is moved out of the collector's sight (it is never garbage), and the
    youngest generation is collected less often: a reply or a digest batch allocates thousands
    of short-lived containers, which reference counting frees without any pass.
    """
    if "gc" in settings.without:
        return
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNGEST_THRESHOLD, middle, oldest)
