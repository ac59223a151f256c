"""Who called lately: the staff row behind a token or session, kept for a few seconds.

Every API request resolves its caller; reading the row each time cost a query and a trip
to the thread pool, a third of a customer lookup's time. A row is kept for
``KEEP_SECONDS``, by each app (so one per database). Any change to staff, API tokens or
org units empties this process's copies at once (``kefu.core.kept.when_changed``: on the
flush, and again on commit or rollback); other processes see it
within ``KEEP_SECONDS``: a revoked token or a disabled account stops working there
within five seconds, as the FastAGI server's account already did.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from kefu.core.kept import when_changed
from kefu.org.models import ApiToken, OrgUnit, Staff

KEEP_SECONDS = 5.0
_WATCHED = (Staff, ApiToken, OrgUnit)


class Callers:
    """Caller rows by key (a token digest, or a staff id for sessions), each kept for
    ``keep_seconds``; thread-safe."""

    def __init__(
        self, keep_seconds: float = KEEP_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.keep_seconds = keep_seconds
        self.clock = clock
        self._rows: dict[tuple[str, object], tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: tuple[str, object]) -> Any | None:
        """The row kept for ``key``, or None when there is none or it is too old."""
        kept = self._rows.get(key)
        if kept is None or self.clock() - kept[0] > self.keep_seconds:
            return None
        return kept[1]

    def keep(self, key: tuple[str, object], row: Any) -> None:
        """Remember a row just read."""
        with self._lock:
            if len(self._rows) > 10_000:  # tokens come and go: never grow without end
                self._rows.clear()
            self._rows[key] = (self.clock(), row)

    def clear(self) -> None:
        """Forget every row (a staff member, token or unit changed)."""
        with self._lock:
            self._rows.clear()


# Every app keeps its own (one per database); a change empties them all.
_ALL: weakref.WeakSet[Callers] = weakref.WeakSet()


def _forget_everyone() -> None:
    for kept in list(_ALL):
        kept.clear()


when_changed(_WATCHED, _forget_everyone)
