"""Reference rows kept in memory for a few seconds: read on every request, rarely changed.

The category tree and the calendar's corrections were read afresh by each work order's
creation, a third of its statements while it held the write lock. Each session factory
(so each database) keeps its own values (``Kept``, in the sessions' ``info``); a value is
kept for ``KEEP_SECONDS``. A flush or commit that touches a watched table empties this
process's copies at once; other processes see the change within ``KEEP_SECONDS``, as with
callers (``kefu.org.callers``). Values are plain data (tuples, dataclasses, read-only
mappings), never ORM objects, which belong to one session.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

KEEP_SECONDS = 5.0
INFO_KEY = "kefu.kept"
_TOUCHED = "kefu.kept_touched"

T = TypeVar("T")


class Kept:
    """Named values, each with the mapped classes whose change makes it stale."""

    def __init__(
        self, keep_seconds: float = KEEP_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.keep_seconds = keep_seconds
        self.clock = clock
        self._values: dict[str, tuple[float, Any]] = {}
        self._watching: dict[str, tuple[type, ...]] = {}
        # Changes seen per mapped class: a load that overlapped a change to what it
        # watches is not kept (changes to other tables, every write's, do not count).
        self._changes: dict[type, int] = {}
        self._lock = threading.Lock()

    def value(
        self, session: Session, name: str, load: Callable[[Session], T], watched: tuple[type, ...]
    ) -> T:
        """The kept value, or ``load(session)`` (then kept) when there is none or it is old."""
        kept = self._values.get(name)
        if kept is not None and self.clock() - kept[0] <= self.keep_seconds:
            return cast(T, kept[1])
        loaded_at, changes = self.clock(), self._changes_to(watched)
        fresh = load(session)
        if _touches(session, watched):  # its own uncommitted change is not for others
            return fresh
        with self._lock:
            if changes == self._changes_to(watched):
                self._values[name] = (loaded_at, fresh)
                self._watching[name] = watched
        return fresh

    def forget(self, changed: set[type]) -> None:
        """Drop every value that watches one of the ``changed`` classes."""
        with self._lock:
            for changed_class in changed:
                self._changes[changed_class] = self._changes.get(changed_class, 0) + 1
            for name, watched in list(self._watching.items()):
                if any(issubclass(c, watched) for c in changed):
                    self._values.pop(name, None)

    def _changes_to(self, watched: tuple[type, ...]) -> int:
        return sum(n for c, n in list(self._changes.items()) if issubclass(c, watched))


def kept(session: Session) -> Kept | None:
    """The values kept for the session's database (None for a bare session)."""
    found = session.info.get(INFO_KEY)
    return found if isinstance(found, Kept) else None


def kept_value(
    session: Session, name: str, load: Callable[[Session], T], watched: tuple[type, ...]
) -> T:
    """``load(session)``, kept for a few seconds where the session's factory keeps values."""
    store = kept(session)
    return load(session) if store is None else store.value(session, name, load, watched)


def _touches(session: Session, watched: tuple[type, ...]) -> bool:
    pending = (*session.new, *session.dirty, *session.deleted)
    touched: set[type] = session.info.get(_TOUCHED, set())
    return any(isinstance(o, watched) for o in pending) or any(
        issubclass(c, watched) for c in touched
    )


# Caches kept outside sessions (callers, per app) and what empties them.
_WATCHERS: list[tuple[tuple[type, ...], Callable[[], None]]] = []


def when_changed(watched: tuple[type, ...], forget: Callable[[], None]) -> None:
    """Call ``forget`` whenever a flush, bulk statement, commit or rollback touches one of
    the ``watched`` mapped classes: for caches that live outside the sessions."""
    _WATCHERS.append((watched, forget))


def _note(session: Session, classes: set[type]) -> None:
    if classes:
        session.info.setdefault(_TOUCHED, set()).update(classes)
        _forget(session, classes)  # at once: a test's shared connection sees flushed rows


def _forget(session: Session, classes: set[type]) -> None:
    store = kept(session)
    if store is not None:
        store.forget(classes)
    for watched, forget in _WATCHERS:
        if any(issubclass(c, watched) for c in classes):
            forget()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: object) -> None:
    _note(session, {type(o) for o in (*session.new, *session.dirty, *session.deleted)})


@event.listens_for(Session, "do_orm_execute")
def _bulk_write(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete or state.is_insert) and state.bind_mapper is not None:
        _note(state.session, {state.bind_mapper.class_})


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    _settle(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    _settle(session)


def _settle(session: Session) -> None:
    """Forget again once the change is in (or gone): a value read meanwhile is stale."""
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        _forget(session, touched)
