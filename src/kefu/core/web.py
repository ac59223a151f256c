"""Request plumbing shared by all routes: the session boundary, language and client address."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, TypeVar, overload
from urllib.parse import quote

from fastapi import Depends, Header, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kefu.core.clock import local_today
from kefu.core.db import begin_write, open_loop_read_session, open_session
from kefu.core.i18n import SUPPORTED_LANGUAGES, negotiate
from kefu.core.security import LANGUAGE_COOKIE
from kefu.errors import BadRequest, Conflict, PreconditionRequired

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
T = TypeVar("T")
R = TypeVar("R")


def session_factory(request: Request) -> sessionmaker[Session]:
    """The application's session factory."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed before the response is sent, else rolled back.

    Opening a session does no I/O, so it happens on the event loop; ending it does, so it
    takes one trip to the thread pool. (Each sync dependency costs a thread hop, and on
    two cores the hops, not the queries, were most of a lookup's time.)
    """
    async with _request_session(request, write=request.method in UNSAFE_METHODS) as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[Session]:
    """A session that begins as a read, for a write request with slow work before its
    write: on SQLite a write session's first query takes the database's single writer
    turn until its commit. The route writes with ``write_and_commit``. (A sign-in
    checks its password, 0.2 s of hashing, before it records the attempt.)"""
    async with _request_session(request, write=False) as session:
        yield session


def write_and_commit(session: Session, work: Callable[[], T]) -> T:
    """End the session's reads, then run ``work`` in a write transaction of its own
    (BEGIN IMMEDIATE on SQLite) and commit it; undone if it fails."""
    session.commit()
    begin_write(session)
    return _work_committed(session, work)


def _work_committed(session: Session, work: Callable[[], T]) -> T:
    """Run ``work`` and commit; roll back and re-raise if either fails."""
    try:
        result = work()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


@asynccontextmanager
async def _request_session(request: Request, *, write: bool) -> AsyncIterator[Session]:
    session = open_session(session_factory(request), write=write)
    try:
        yield session
    except BaseException:
        await run_in_threadpool(_end_after_error, session, write)
        raise
    else:
        if _untouched(session):  # e.g. only a kept caller was asked for: nothing to end
            session.close()
        else:
            await run_in_threadpool(_end, session)


def _untouched(session: Session) -> bool:
    """True when the session never reached the database and holds nothing to write."""
    return not (session.in_transaction() or session.new or session.dirty or session.deleted)


def _end(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _end_after_error(session: Session, write: bool) -> None:
    """Undo a failed write; end a failed read with COMMIT.

    A read has nothing to undo, and psycopg forgets the connection's prepared statements
    on every ROLLBACK: re-planning them costs more than the queries.
    """
    try:
        if write:
            session.rollback()
        else:
            session.commit()
    except Exception:
        session.rollback()
    finally:
        session.close()


@overload
async def committed(session: Session, work: Callable[[], T]) -> T: ...
@overload
async def committed(session: Session, work: Callable[[], T], then: Callable[[T], R]) -> R: ...
async def committed(
    session: Session, work: Callable[[], T], then: Callable[[T], R] | None = None
) -> T | R:
    """Run an ``async def`` write route's work and its commit in one trip to the thread
    pool; the request's session then has nothing left to end. ``then``, given the work's
    result, runs after the commit in the same trip: what needs no lock (building the
    answer) is best done there.

    A sync route's work and ``DbSession``'s commit are two trips, with a turn of the
    event loop between them. On SQLite the write lock is held across both, so under load
    the writers queued behind it waited for threads and the GIL, not for the database.
    """

    def work_then_commit() -> T | R:
        result = _work_committed(session, work)
        return result if then is None else then(result)

    return await run_in_threadpool(work_then_commit)


# scope="function" makes the commit happen before the response goes out, so a failed
# commit becomes an error response instead of an acknowledged write that was lost.
DbSession = Annotated[Session, Depends(get_session, scope="function")]
ReadSession = Annotated[Session, Depends(get_read_session, scope="function")]


async def get_loop_read_session(request: Request) -> AsyncIterator[Session]:
    """A session for an ``async def`` route whose few indexed reads run on the event loop.

    The thread pool's hand-offs cost more than the customer 360's reads on two cores
    (PostgreSQL: about 530 against 760 lookups a second). The session reads through the loop's
    own connection, so the loop never waits for the pool; ending a read costs no I/O
    worth a hop either (PostgreSQL: no transaction; SQLite: a read lock let go).
    """
    session = open_loop_read_session(session_factory(request))
    try:
        yield session
    except BaseException:
        _end_after_error(session, False)
        raise
    _end(session)


LoopReadSession = Annotated[Session, Depends(get_loop_read_session, scope="function")]


def request_language(request: Request) -> str:
    """The caller's language: explicit cookie, then Accept-Language, then the default."""
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in SUPPORTED_LANGUAGES:
        return str(cookie)
    return negotiate(
        request.headers.get("accept-language"), request.app.state.settings.default_language
    )


def client_ip(request: Request) -> str:
    """The caller's address as seen by this server."""
    return request.client.host if request.client else "unknown"


def if_match_version(request: Request) -> int:
    """The version the caller last read, from ``If-Match: "3"`` (428 when absent)."""
    raw = request.headers.get("if-match")
    if raw is None:
        raise PreconditionRequired(field="If-Match")
    cleaned = raw.strip().removeprefix("W/").strip('"')
    if not cleaned.isdigit() or len(cleaned) > 9:
        raise BadRequest("invalid_value", field="If-Match")
    return int(cleaned)


def optional_if_match_version(request: Request) -> int | None:
    """The If-Match version when sent (for PUT that may create as well as replace)."""
    return if_match_version(request) if "if-match" in request.headers else None


def check_version(current: int, expected: int) -> None:
    """409 when the record changed since the caller read it (If-Match gave ``expected``)."""
    if current != expected:
        raise Conflict("stale_version", current=current)


def etag(version: int) -> str:
    """The ETag header value of a versioned record."""
    return f'"{version}"'


IfMatch = Annotated[int, Depends(if_match_version)]
IfMatchOptional = Annotated[int | None, Depends(optional_if_match_version)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def center_today(request: Request) -> date:
    """The center's date (its time zone's), for what is kept by day."""
    return local_today(request.app.state.settings.timezone)


Today = Annotated[date, Depends(center_today)]


def served_file(content: bytes, *, media_type: str, file_name: str, inline: bool) -> Response:
    """A file someone sent (an order's attachment, an e-mail's), served so that whatever it
    holds runs nothing in the console's origin, is not kept by any cache, and is named
    for the browser in UTF-8 (RFC 6266) with an ASCII name for old clients."""
    fallback = file_name.encode("ascii", "replace").decode().replace("?", "_")
    fallback = fallback.replace('"', "_").replace("\\", "_")
    shown = "inline" if inline else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{shown}; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(file_name)}",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; media-src 'self'; "
            "style-src 'unsafe-inline'; sandbox",
        },
    )
