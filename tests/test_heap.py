"""The garbage collector of a long-running process (bot/runtime/heap.py): what it buys is
measured in the bench (COE_BENCH_WITHOUT=gc); what must hold is that garbage is still freed."""

from __future__ import annotations

import subprocess
import sys


def test_a_settled_process_still_frees_the_cycles_it_makes() -> None:
    # A process of its own: the collector's settings are the interpreter's, not this test's.
    code = (
        "import weakref\n"
        "from bot.runtime import heap\n"
        "from bot.settings import load_settings\n"
        "heap.settle(load_settings({'SLACK_BOT_TOKEN': 'xoxb-test'}))\n"
        "class Node: pass\n"
        "first = Node(); first.me = first; freed = weakref.ref(first); del first\n"
        "for _ in range(100_000):\n"
        "    node = Node(); node.me = node\n"
        "print(freed() is None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True"]
