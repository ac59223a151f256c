"""The outbox: jobs live and die with their transaction, retry, go dead, deliver once."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from conftest import BACKENDS, own_database
from kefu.cli import app
from kefu.config import get_settings
from kefu.core import outbox
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.core.db import make_sessionmaker
from kefu.notify import tasks

calls: list[tuple[str, dict[str, Any]]] = []


@outbox.handler("test.flaky")
def _flaky(session: Session, payload: dict[str, Any], message_id: str) -> None:
    calls.append((message_id, payload))
    if payload.get("fail"):
        raise RuntimeError("gateway down")


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    calls.clear()


def _jobs(factory: sessionmaker[Session]) -> list[outbox.Job]:
    with factory() as session:
        return list(session.scalars(select(outbox.Job).order_by(outbox.Job.id)))


def test_a_job_exists_exactly_when_its_transaction_commits(session_factory) -> None:
    with session_factory() as session:
        outbox.enqueue(session, kind="test.flaky", payload={"n": 1})
        session.rollback()
    with session_factory() as session:
        outbox.enqueue(session, kind="test.flaky", payload={"n": 2})
        session.commit()
    assert [json.loads(j.payload)["n"] for j in _jobs(session_factory)] == [2]
    report = outbox.run_due(session_factory)
    assert (report.done, report.retried) == (1, 0)
    assert [p for _, p in calls] == [{"n": 2}]
    assert _jobs(session_factory)[0].status == outbox.JobStatus.DONE
    assert outbox.run_due(session_factory).done == 0  # done jobs do not run again


def test_failures_back_off_then_go_dead(session_factory) -> None:
    with session_factory() as session:
        outbox.enqueue(session, kind="test.flaky", payload={"fail": True}, max_attempts=2)
        session.commit()
    assert outbox.run_due(session_factory).retried == 1
    (job,) = _jobs(session_factory)
    assert job.run_at > utcnow() + timedelta(seconds=20)  # backed off
    assert "gateway down" in job.last_error
    assert outbox.run_due(session_factory).retried == 0  # not due yet
    with session_factory() as session:
        session.get(outbox.Job, job.id).run_at = utcnow()
        session.commit()
    assert outbox.run_due(session_factory).dead == 1
    with session_factory() as session:
        assert outbox.retry_dead(session, [job.id]) == 1
        session.commit()
    assert _jobs(session_factory)[0].status == outbox.JobStatus.PENDING


def test_a_worker_that_dies_mid_job_loses_nothing(session_factory) -> None:
    with session_factory() as session:
        outbox.enqueue(session, kind="test.flaky", payload={"n": 3})
        session.commit()
    with session_factory() as session:  # a worker claims the job, then is killed
        (claimed,) = outbox._claim(session, 10)
        session.commit()
    assert outbox.run_due(session_factory).done == 0  # leased to the dead worker
    with session_factory() as session:  # the lease runs out
        session.get(outbox.Job, claimed.id).run_at = utcnow() - timedelta(seconds=1)
        session.commit()
    assert outbox.run_due(session_factory).done == 1
    assert [p for _, p in calls] == [{"n": 3}]


sent: list[str] = []


@outbox.handler("test.send")
def _send(session: Session, payload: dict[str, Any], message_id: str) -> outbox.Sending[int]:
    def record(writing: Session, answer: int) -> None:
        outbox.enqueue(writing, kind="test.flaky", payload={"answer": answer})

    return outbox.Sending("sms", lambda: sent.append(message_id) or len(sent), record)


def test_a_message_is_delivered_at_most_once(session_factory) -> None:
    sent.clear()
    with session_factory() as session:
        job = outbox.enqueue(session, kind="test.send", payload={}, message_id="msg-1")
        session.commit()
        job_id = job.id
    assert outbox.run_due(session_factory).done == 1
    assert sent == ["msg-1"]
    with session_factory() as session:  # as if the worker died after the delivery's record
        job = session.get(outbox.Job, job_id)
        job.status, job.run_at = outbox.JobStatus.PENDING, utcnow()
        session.commit()
    assert outbox.run_due(session_factory).done == 2  # it, and the job its answer queued
    assert sent == ["msg-1"]  # not again
    assert [p for _, p in calls] == [{"answer": 1}]  # what came of it, recorded once


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own: its writes commit for real."""
    with own_database(request, tmp_path, "outbox") as engine:
        yield engine


def _open_transactions_elsewhere(engine: Engine) -> int:
    """Other connections to this PostgreSQL database in the middle of a transaction."""
    with engine.connect() as probe:
        return int(
            probe.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
            ).scalar_one()
        )


def _write_without_waiting(engine: Engine) -> None:
    """On SQLite, a write from another connection that gives up at once if locked."""
    other = sqlite3.connect(str(engine.url.database), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE outbox SET last_error = '' WHERE id = -1")
        other.execute("COMMIT")
    finally:
        other.close()


def test_a_slow_gateway_holds_no_transaction_while_it_sends(own_engine: Engine) -> None:
    # The SMS gateway, SMTP server and billing system were called inside the job's write
    # transaction: on SQLite a gateway slow to answer held the one write lock for its
    # timeout (15 s), and no desk of the center could save meanwhile.
    factory = make_sessionmaker(own_engine)
    seen: list[object] = []

    @outbox.handler("test.slow_gateway")
    def _slow(session: Session, payload: dict[str, Any], message_id: str) -> outbox.Sending[None]:
        def send() -> None:
            if own_engine.dialect.name == "postgresql":
                seen.append(_open_transactions_elsewhere(own_engine))
            else:
                _write_without_waiting(own_engine)  # raises "database is locked" if held
                seen.append(0)

        return outbox.Sending("sms", send)

    with factory() as session:
        outbox.enqueue(session, kind="test.slow_gateway", payload={})
        session.commit()
    report = outbox.run_due(factory)
    assert (report.done, seen) == (1, [0])
    with factory() as session:
        (delivery,) = session.scalars(select(outbox.Delivery))
        assert delivery.channel == "sms"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(monkeypatch) -> Iterator[list[Any]]:
    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Collect:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    port = _free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("KEFU_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KEFU_SMTP_PORT", str(port))
    get_settings.cache_clear()
    try:
        yield received
    finally:
        controller.stop()
        get_settings.cache_clear()


def test_email_goes_out_over_smtp_once(session_factory, smtp_server) -> None:
    with session_factory() as session:
        outbox.enqueue(
            session,
            kind=tasks.EMAIL,
            payload={"to": "li.na@kefu.example.cn", "subject": "工单已派给您", "body": "WO…"},
        )
        session.commit()
    assert outbox.run_due(session_factory).done == 1
    assert outbox.run_due(session_factory).done == 0
    (envelope,) = smtp_server
    assert envelope.rcpt_tos == ["li.na@kefu.example.cn"]
    assert b"Message-ID: <" in envelope.content


def test_sms_goes_to_the_file_gateway(session_factory, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KEFU_SMS_GATEWAY", f"file:{tmp_path / 'sms.jsonl'}")
    get_settings.cache_clear()
    try:
        with session_factory() as session:
            tasks.text_customer(session, phone="+8613800138000", text="您的验证码是 123456")
            session.commit()
        assert outbox.run_due(session_factory).done == 1
    finally:
        get_settings.cache_clear()
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["您的验证码是 123456"]


def test_the_worker_command_runs_due_jobs(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from kefu.cli import app
    from kefu.core.db import make_engine, make_sessionmaker
    from kefu.core.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'worker.db'}"
    engine = make_engine(url)
    upgrade(engine)
    monkeypatch.setenv("KEFU_SMS_GATEWAY", f"file:{tmp_path / 'sms.jsonl'}")
    get_settings.cache_clear()
    try:
        with make_sessionmaker(engine)() as session:
            tasks.text_customer(session, phone="+8613800138000", text="您的工单已处理")
            session.commit()
        result = CliRunner().invoke(app, ["worker", "--once", "--database-url", url])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "1 done" in result.output
    assert (tmp_path / "sms.jsonl").exists()
    engine.dispose()


def test_an_operator_lists_dead_jobs_and_retries_them(
    own_engine: Engine, settings_put_back: None
) -> None:
    # Dead jobs "stay for an operator to look at", but nothing showed them or retried them.
    factory = make_sessionmaker(own_engine)
    with factory() as session:
        dead = outbox.enqueue(session, kind="sms.customer", payload={"phone": "+8613800138000"})
        dead.status, dead.attempts, dead.last_error = outbox.JobStatus.DEAD, 8, "gateway 503"
        outbox.enqueue(session, kind="sms.customer", payload={})  # pending: not listed
        session.commit()
        dead_id = dead.id
    url = own_engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    listed = runner.invoke(app, ["outbox", "list", "--database-url", url])
    assert listed.exit_code == 0, listed.output
    assert "sms.customer" in listed.output and "gateway 503" in listed.output
    assert "8/8" in listed.output
    vague = runner.invoke(app, ["outbox", "retry", "--database-url", url])
    assert vague.exit_code == 2  # neither ids nor --all-dead
    retried = runner.invoke(app, ["outbox", "retry", "--all-dead", "--database-url", url])
    assert retried.exit_code == 0 and "1 dead job(s)" in retried.output, retried.output
    with factory() as session:
        job = session.get(outbox.Job, dead_id)
        assert job is not None and job.status == outbox.JobStatus.PENDING and job.attempts == 0
        logged = session.scalar(select(AuditLog).where(AuditLog.action == "outbox.retry"))
        assert logged is not None and json.loads(logged.details)["jobs"] == [dead_id]
    assert "no dead jobs" in runner.invoke(app, ["outbox", "list", "--database-url", url]).output


def test_the_worker_loads_every_job_handler_there_is() -> None:
    # kefu worker runs alone, without the web app's imports: the notices' later batches
    # had a handler the worker never loaded, and would have died as "no handler".
    import importlib
    import pkgutil
    import subprocess
    import sys

    import kefu

    for module in pkgutil.walk_packages(kefu.__path__, "kefu."):
        if not module.name.startswith("kefu.migrations."):
            importlib.import_module(module.name)
    everywhere = sorted(k for k, f in outbox._handlers.items() if f.__module__.startswith("kefu."))
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kefu import job_handlers; from kefu.core import outbox; "
            "job_handlers.load(); print(','.join(sorted(outbox._handlers)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert loaded.split(",") == everywhere
    assert "notice.send_on" in everywhere
