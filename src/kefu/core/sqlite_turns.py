"""Taking turns at SQLite's single writer slot across server processes, fairly.

SQLite lets one writer in at a time. Inside a process, writers queue on a lock (see
``kefu.core.db``); between processes SQLite's busy handler polls with sleeps growing to
100 ms. The process that has just committed asks again at once, while the other sleeps:
under load one worker's queue starved (order creation with two workers: p99 of 3 to 6 s
against a mean of 0.15 s).

So each process takes the slot through an exclusive ``flock`` on a file beside the
database, polled every 0.2 ms, and hands it over: a process that is waiting
holds a shared lock on a second file, and a process that has just released the slot
lets a waiting one in first (up to ``COURTESY_SECONDS``) before asking again. Locks held
by a process vanish with it, so a crash never leaves the slot taken.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # not on POSIX: SQLite's own locking alone
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

COURTESY_SECONDS = 0.005  # the longest a process waits for another to take its turn
# A waiting process looks again every 0.2 ms. Steps growing to a millisecond overslept
# each hand-over by half a millisecond on average, a sixth of a creation's turn under
# load; a look is one system call.
_POLL_SECONDS = 0.0002


class ProcessTurns:
    """The writer slot of one database file, for the writers of this process (one at a
    time: the caller holds the process's own lock around ``take`` … ``give_back``)."""

    def __init__(self, database: Path) -> None:
        # Made with the database's own permissions, as SQLite makes its -wal and -shm
        # files: every account that may write the database may take turns at it.
        mode = database.stat().st_mode & 0o666 if database.exists() else 0o644
        self._slot = os.open(f"{database}-writer.lock", os.O_RDWR | os.O_CREAT, mode)
        waiting = f"{database}-waiting.lock"
        self._waiting = os.open(waiting, os.O_RDWR | os.O_CREAT, mode)
        self._probe = os.open(waiting, os.O_RDWR)  # its own description: it sees ours too
        self._let_others_first = False

    def take(self, timeout: float) -> bool:
        """Wait for the slot; False when ``timeout`` seconds pass first."""
        deadline = time.monotonic() + timeout
        if self._let_others_first:
            self._let_others_first = False
            self._wait_for_others(min(deadline, time.monotonic() + COURTESY_SECONDS))
        if self._try(self._slot, fcntl.LOCK_EX):
            return True
        fcntl.flock(self._waiting, fcntl.LOCK_SH)  # others see that a process waits
        try:
            while time.monotonic() < deadline:
                time.sleep(_POLL_SECONDS)
                if self._try(self._slot, fcntl.LOCK_EX):
                    return True
            return False
        finally:
            fcntl.flock(self._waiting, fcntl.LOCK_UN)

    def give_back(self) -> None:
        """Release the slot; if another process waits, this one lets it in first."""
        fcntl.flock(self._slot, fcntl.LOCK_UN)
        self._let_others_first = self._others_waiting()

    def _others_waiting(self) -> bool:
        if self._try(self._probe, fcntl.LOCK_EX):
            fcntl.flock(self._probe, fcntl.LOCK_UN)
            return False
        return True

    def _wait_for_others(self, until: float) -> None:
        while self._others_waiting() and time.monotonic() < until:
            time.sleep(_POLL_SECONDS)

    @staticmethod
    def _try(descriptor: int, mode: int) -> bool:
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


class WriterGate:
    """This process's writers of one database, one at a time, then the file's turns."""

    def __init__(self, database: Path | None) -> None:
        self._database = database
        self._opened_by = -1
        self._lock = threading.Lock()
        self._turns: ProcessTurns | None = None

    def enter(self, timeout: float) -> bool:
        """Wait to write; False when ``timeout`` seconds pass first."""
        deadline = time.monotonic() + timeout
        if self._opened_by != os.getpid():
            self._open()
        if not self._lock.acquire(timeout=timeout):
            return False
        if self._turns is None or self._turns.take(deadline - time.monotonic()):
            return True
        self._lock.release()
        return False

    def _open(self) -> None:
        """On first use, and in a forked child, which must not share its parent's locks."""
        with _GATES_LOCK:
            if self._opened_by != os.getpid():
                self._lock = threading.Lock()
                self._turns = _turns_or_none(self._database)
                self._opened_by = os.getpid()

    def leave(self) -> None:
        """Let the next writer in (called once the transaction has ended)."""
        if self._turns is not None:
            self._turns.give_back()
        self._lock.release()


def _turns_or_none(database: Path | None) -> ProcessTurns | None:
    if database is None:
        return None
    try:
        return ProcessTurns(database)
    except OSError as problem:  # a read-only directory, another account's lock files
        log.warning("SQLite writers of %s take no turns between processes: %s", database, problem)
        return None


_GATES: dict[Path, WriterGate] = {}
_GATES_LOCK = threading.Lock()


def writer_gate(database: str | None) -> WriterGate:
    """The gate of a database file, shared by every engine of this process on it; a
    memory database (or a system without flock) gets a process-only gate."""
    if fcntl is None or not database or database == ":memory:":
        return WriterGate(None)
    path = Path(database).resolve()
    with _GATES_LOCK:
        return _GATES.setdefault(path, WriterGate(path))
