"""Keep the garbage collector off the objects a server loads once.

A kefu process holds a large, long-lived heap: the application's modules, the routes and
their schemas, NumPy and scikit-learn, and jieba's dictionary of several hundred thousand
words. Python's full collections walk every tracked object, so each one paused a worker
for tens of milliseconds under load; in the 360 lookup benchmark they were most of the
p99. Freezing moves everything alive at start-up into a generation the collector never
scans; objects made while serving are collected as before.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()


def settle() -> None:
    """Collect what start-up left behind, then freeze the survivors. Safe to call again
    after more is loaded (each call freezes what is alive by then)."""
    with _lock:
        gc.collect()
        gc.freeze()
