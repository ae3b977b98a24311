"""The garbage collector's settings of a long-running process (bot/heap.py)."""

from __future__ import annotations

import subprocess
import sys


def test_settling_freezes_what_start_up_built_and_collects_the_young_less_often() -> None:
    # A process of its own: the settings are the interpreter's, not this test's.
    code = (
        "import gc\n"
        "from bot.runtime import heap\n"
        "from bot.runtime.tuning import GC_YOUNGEST_THRESHOLD\n"
        "before = gc.get_threshold()\n"
        "heap.settle()\n"
        "after = gc.get_threshold()\n"
        "print(gc.get_freeze_count() > 1000, after == (GC_YOUNGEST_THRESHOLD, *before[1:]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]
