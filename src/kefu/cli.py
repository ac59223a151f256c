"""The ``kefu`` command: demo, serve, database, users, data generation, audit checks and
the outbox."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine, func, select

from kefu.analytics.cli import (
    alerts_app,
    bulletin_command,
    churn_app,
    text_app,
    value_app,
)
from kefu.config import get_settings
from kefu.core import audit, migrate
from kefu.core.cli_support import DatabaseOption, settings_checked
from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.core.rbac import Role
from kefu.notify.cli import outbox_app

app = typer.Typer(
    help="kefu — customer service center for telecom operators.",
    no_args_is_help=True,
    add_completion=False,
)
app.callback()(settings_checked)
db_app = typer.Typer(
    help="Database schema: upgrade, current revision, drift check.", no_args_is_help=True
)
users_app = typer.Typer(
    help="Staff accounts: create, set password, issue API tokens.", no_args_is_help=True
)
audit_app = typer.Typer(help="Audit log checks.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(churn_app, name="churn")
app.add_typer(value_app, name="value")
app.add_typer(text_app, name="text")
app.add_typer(alerts_app, name="alerts")
app.add_typer(outbox_app, name="outbox")
app.command("bulletin")(bulletin_command)
console = Console()


def _engine(database_url: str | None) -> Engine:
    if database_url:
        os.environ["KEFU_DATABASE_URL"] = database_url
        get_settings.cache_clear()
    return make_engine(get_settings().database_url)


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]✗[/] {message}")
    return typer.Exit(code=1)


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseOption = None) -> None:
    """Apply every pending migration."""
    engine = _engine(database_url)
    _upgrade(engine)
    console.print(f"[green]✓[/] schema at revision {migrate.current_revision(engine)}")


def _upgrade(engine: Engine) -> None:
    """Migrate, then load shipped defaults (categories, queues, wrap-up codes, the hotline
    IVR flow) into empty tables."""
    from kefu.demo.defaults import load_defaults

    migrate.upgrade(engine)
    for line in load_defaults(engine):
        console.print(f"[green]✓[/] {line}")


@app.command()
def agi(
    account: Annotated[str, typer.Option(help="The integration account the IVR acts as.")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="FastAGI port.")] = 4573,
    database_url: DatabaseOption = None,
) -> None:
    """Serve IVR flows to Asterisk over FastAGI (dialplan: AGI(agi://host:4573/ivr))."""
    import asyncio

    from kefu.billing.lookups import BillingLink
    from kefu.core import heap
    from kefu.core.db import make_sessionmaker
    from kefu.ivr.agi import AgiServer, serve, setup_for_account

    engine = _engine(database_url)
    settings = get_settings()
    settings.check_production_safety()
    setup = setup_for_account(
        account, settings.secret_key, settings.timezone, link=BillingLink.of(settings)
    )
    server = AgiServer(make_sessionmaker(engine), setup)

    async def run() -> None:
        listening = await serve(server, host, port)
        heap.settle()  # loaded: keep the collector off what start-up left alive
        console.print(f"[green]✓[/] FastAGI on {host}:{port}, acting as {account}")
        async with listening:
            await listening.serve_forever()

    asyncio.run(run())


@app.command()
def mail(
    account: Annotated[str, typer.Option(help="The integration account intake acts as.")],
    host: Annotated[str, typer.Option(help="Address the SMTP receiver listens on.")] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="SMTP port (25 needs root; relay to it.)")] = 2525,
    imap_url: Annotated[
        str, typer.Option(help="Also poll imaps://user@host/FOLDER (password: KEFU_IMAP_PASSWORD).")
    ] = "",
    imap_seconds: Annotated[int, typer.Option(help="IMAP poll interval.")] = 60,
    database_url: DatabaseOption = None,
) -> None:
    """Take customers' e-mail in over SMTP (and optionally IMAP) as interactions."""
    import asyncio
    from functools import partial

    from aiosmtpd.smtp import SMTP

    from kefu.billing.lookups import BillingLink
    from kefu.contact.mailserver import (
        IntakeHandler,
        MailLimits,
        intake_for_account,
        open_imap,
        poll_imap,
        store_mail,
    )
    from kefu.notify import tasks  # noqa: F401  (replies are outbox jobs)
    from kefu.workorders.attachments import AttachmentLimits

    settings = get_settings()
    factory = make_sessionmaker(_engine(database_url))
    limits = MailLimits(
        settings.timezone,
        settings.intake_body_chars,
        settings.intake_auto_replies_per_hour,
        AttachmentLimits(settings.attachment_max_bytes, settings.attachments_per_order),
        BillingLink.of(settings),
    )
    deliver = partial(store_mail, factory, intake_for_account(account, limits))
    domains = frozenset(d.strip().lower() for d in settings.mail_domains.split(",") if d.strip())
    handler = IntakeHandler(deliver, domains)

    async def poll_forever() -> None:
        folder = imap_url.partition("://")[2].partition("/")[2] or "INBOX"
        while True:
            try:
                client = await asyncio.to_thread(open_imap, imap_url, settings.imap_password)
                await asyncio.to_thread(poll_imap, client, deliver, folder=folder)
                await asyncio.to_thread(client.logout)
            except OSError as error:
                console.print(f"[yellow]![/] IMAP poll failed: {error}")
            await asyncio.sleep(imap_seconds)

    async def run() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: SMTP(handler, data_size_limit=settings.mail_max_bytes, enable_SMTPUTF8=True),
            host,
            port,
        )
        console.print(f"[green]✓[/] SMTP intake on {host}:{port}, acting as {account}")
        poller = asyncio.create_task(poll_forever()) if imap_url else None
        async with server:
            await server.serve_forever()
        if poller:
            poller.cancel()

    asyncio.run(run())


ALERT_CHECK_SECONDS = 600  # the early-warning rules run every ten minutes


def _check_alerts(factory: object) -> None:
    """Today's figures so far through the early-warning rules (each alert raised once)."""
    from kefu.analytics import alerts
    from kefu.core.base import utcnow
    from kefu.core.clock import local_today
    from kefu.core.db import unit_of_work

    settings = get_settings()
    with unit_of_work(factory, write=True) as session:  # type: ignore[arg-type]
        raised = alerts.check(
            session, local_today(settings.timezone), timezone=settings.timezone, now=utcnow()
        )
    if raised:
        console.print(f"early warning: {len(raised)} new alert(s)")


@app.command()
def worker(
    database_url: DatabaseOption = None,
    once: Annotated[bool, typer.Option(help="Run the due jobs once and stop.")] = False,
) -> None:
    """Run the time-limit sweep and the outbox jobs (notifications, SMS, e-mail)."""
    from kefu import job_handlers
    from kefu.core import outbox
    from kefu.core.base import utcnow
    from kefu.core.db import make_sessionmaker, unit_of_work
    from kefu.selfcare import housekeeping
    from kefu.workorders import calendar_reminders, sweeper

    job_handlers.load()
    factory = make_sessionmaker(_engine(database_url))
    settings = get_settings()
    interval = settings.worker_interval_seconds
    checked_at = 0.0
    while True:
        with unit_of_work(factory, write=True) as session:
            swept = sweeper.sweep(session, now=utcnow())
        if time.monotonic() - checked_at >= ALERT_CHECK_SECONDS:
            checked_at = time.monotonic()
            _check_alerts(factory)
            with unit_of_work(factory, write=True) as session:
                housekeeping.forget_spent(session, now=utcnow())
                calendar_reminders.remind_unannounced(session, settings.timezone)
        if swept.warned or swept.escalated:
            console.print(f"time limits: {swept.warned} warned, {swept.escalated} escalated")
        report = outbox.run_due(factory)
        if report.done or report.retried or report.dead:
            console.print(
                f"jobs: {report.done} done, {report.retried} to retry, {report.dead} dead"
            )
        if once:
            return
        time.sleep(interval)


@db_app.command("current")
def db_current(database_url: DatabaseOption = None) -> None:
    """Show the database's revision and the newest one shipped."""
    engine = _engine(database_url)
    console.print(f"database: {migrate.current_revision(engine) or '(empty)'}")
    console.print(f"shipped:  {migrate.head_revision()}")


@db_app.command("check")
def db_check(database_url: DatabaseOption = None) -> None:
    """Fail when the database is behind or differs from the models."""
    engine = _engine(database_url)
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if current != head:
        raise _fail(f"database at {current}, shipped {head}: run `kefu db upgrade`")
    from kefu.schema import schema_differences

    differences = schema_differences(engine)
    if differences:
        for difference in differences:
            console.print(f"  {difference}")
        raise _fail("the schema differs from the models")
    console.print(f"[green]✓[/] schema matches the models at {head}")


def _generate(engine: Engine, options: object) -> object:
    from kefu.demo.generator import GenerateOptions, generate

    assert isinstance(options, GenerateOptions)
    columns = (
        *Progress.get_default_columns()[:1],
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("subscribers", total=options.subscribers)

        def report(stage: str, count: int) -> None:
            # The bar counts subscribers; later stages report their totals once.
            if stage == "subscribers":
                progress.advance(task, count)
            else:
                progress.console.print(f"✓ {count:,} {stage}")

        return generate(engine, options, report)


@app.command()
def generate(
    database_url: DatabaseOption = None,
    subscribers: Annotated[int, typer.Option(min=0, help="Individual subscribers.")] = 50_000,
    enterprises: Annotated[int, typer.Option(min=0)] = 200,
    staff: Annotated[int, typer.Option(min=6)] = 60,
    cities: Annotated[int, typer.Option(min=1, max=8)] = 5,
    months: Annotated[int, typer.Option(min=1, max=36, help="Months of spend history.")] = 12,
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 2026,
    batch_size: Annotated[int, typer.Option(min=100, max=100_000)] = 5_000,
    surveys: Annotated[int, typer.Option(min=0, help="Answered questionnaires.")] = 2_000,
) -> None:
    """Generate a demo center into an empty database (migrated first)."""
    from kefu.demo.generator import GenerateOptions, GeneratorError

    engine = _engine(database_url)
    _upgrade(engine)
    options = GenerateOptions(
        seed=seed,
        subscribers=subscribers,
        enterprises=enterprises,
        staff=staff,
        cities=cities,
        months=months,
        batch_size=batch_size,
        surveys=surveys,
    )
    started = time.perf_counter()
    try:
        result = _generate(engine, options)
    except GeneratorError as exc:
        raise _fail(str(exc)) from None
    elapsed = time.perf_counter() - started
    table = Table("table", "rows", title=f"generated in {elapsed:.1f} s")
    for name, count in result.counts.items():  # type: ignore[attr-defined]
        table.add_row(name, f"{count:,}")
    console.print(table)


@app.command()
def simulate(
    database_url: DatabaseOption = None,
    day: Annotated[str, typer.Option(help="Local date to simulate, YYYY-MM-DD.")] = "",
    scale: Annotated[float, typer.Option(min=0.01, max=100, help="Times the usual volume.")] = 1.0,
    handle_seconds: Annotated[float, typer.Option(min=10, max=3600)] = 240.0,
    patience_seconds: Annotated[float, typer.Option(min=5, max=3600)] = 180.0,
    seed: Annotated[int, typer.Option()] = 7,
    write: Annotated[bool, typer.Option(help="Write the calls as interactions.")] = True,
) -> None:
    """Simulate a day of calls through the published IVR flow and the routing rules,
    staffed by Erlang C for 80% in 20 s; print the day's figures (and keep the calls)."""
    from kefu.demo import simulator
    from kefu.ivr.flows import DEFAULT_FLOW
    from kefu.ivr.service import checked_flow, published_flow

    engine = _engine(database_url)
    _upgrade(engine)
    factory = make_sessionmaker(engine)
    with unit_of_work(factory) as session:
        flow = checked_flow(published_flow(session, code=DEFAULT_FLOW, dialled="").source)
    arrivals = tuple(n * scale for n in simulator.WEEKDAY_SHAPE)
    plan = simulator.DayPlan(
        arrivals_per_half_hour=arrivals,
        agents_per_half_hour=simulator.staffed_for(arrivals, handle_seconds=handle_seconds),
        handle_seconds=handle_seconds,
        patience_seconds=patience_seconds,
        seed=seed,
    )
    local = date.fromisoformat(day) if day else date.today()
    start = datetime.combine(local, datetime.min.time(), ZoneInfo(get_settings().timezone))
    started = time.perf_counter()
    result = simulator.simulate(plan, flow, start.astimezone(UTC))
    elapsed = time.perf_counter() - started
    written = 0
    if write:
        with unit_of_work(factory, write=True) as session:
            written = simulator.record(session, result, start.astimezone(UTC))
    table = Table("figure", "value", title=f"{local} simulated in {elapsed:.1f} s")
    for name, value in (
        ("calls", len(result.calls)),
        ("calls per second (simulated)", f"{len(result.calls) / max(elapsed, 1e-9):,.0f}"),
        ("IVR containment", f"{result.containment():.1%}"),
        ("offered to agents", result.offered),
        ("answered", result.answered),
        ("abandoned", result.abandoned),
        ("service level (20 s)", f"{result.service_level():.1%}"),
        ("interactions written", written),
    ):
        table.add_row(name, str(value))
    Console().print(table)


def _has_customers(engine: Engine) -> bool:
    from kefu.customers.models import Customer

    with engine.connect() as connection:
        return bool(connection.scalar(select(func.count()).select_from(Customer)))


def _sample_numbers(engine: Engine) -> list[str]:
    from kefu.core.phone import national
    from kefu.customers.models import Customer, Subscription
    from kefu.org.models import OrgUnit, Staff

    with engine.connect() as connection:
        agent_unit = connection.scalar(select(Staff.org_unit_id).where(Staff.username == "agent"))
        rows = connection.execute(
            select(Subscription.msisdn)
            .join(Customer, Customer.id == Subscription.customer_id)
            .join(OrgUnit, OrgUnit.id == Customer.org_unit_id)
            .where(Customer.org_unit_id == agent_unit, Subscription.status == "active")
            .order_by(Subscription.id)
            .limit(3)
        ).scalars()
        return [national(n) for n in rows]


@app.command()
def demo(
    database_url: DatabaseOption = None,
    subscribers: Annotated[int, typer.Option(min=0)] = 50_000,
    seed: Annotated[int, typer.Option()] = 2026,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    serve_it: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
) -> None:
    """Create the database, generate the demo center once, and serve it."""
    from kefu.demo.generator import GenerateOptions
    from kefu.demo.reference import ALL_LOGINS, DEMO_PASSWORD

    os.environ["KEFU_DEMO_MODE"] = "true"
    get_settings.cache_clear()
    engine = _engine(database_url)
    _upgrade(engine)
    if not _has_customers(engine):
        console.print("[bold]Generating the demo center…[/]")
        _generate(engine, GenerateOptions(seed=seed, subscribers=subscribers))
    table = Table("user name", "password", "role", title="Demo logins")
    for username, _, role, _where in ALL_LOGINS:
        table.add_row(username, DEMO_PASSWORD, role.value)
    console.print(table)
    console.print(f"Numbers to look up (as agent): {', '.join(_sample_numbers(engine))}")
    console.print(
        f"[bold green]kefu demo center:[/] http://{host}:{port}/  "
        f"(API docs http://{host}:{port}/api/docs)"
    )
    console.print(
        f"Subscribers' self-service: http://{host}:{port}/self "
        "(sign in with one of those numbers; the demo shows the texted code on the page)"
    )
    if serve_it:
        serve(database_url=None, host=host, port=port, workers=1)


@app.command()
def serve(
    database_url: DatabaseOption = None,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
) -> None:
    """Serve the API and console with uvicorn."""
    import uvicorn

    if database_url:
        os.environ["KEFU_DATABASE_URL"] = database_url
    get_settings.cache_clear()
    try:
        get_settings().check_production_safety()
    except RuntimeError as exc:
        raise _fail(str(exc)) from None
    uvicorn.run(
        "kefu.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def _prompt_password(password: str | None) -> str:
    if password:
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[Role, typer.Option()],
    org_unit: Annotated[str, typer.Option(help="Org unit code, e.g. GZ.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password: Annotated[str | None, typer.Option(help="Prompted when absent.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Create a staff account."""
    from kefu.errors import KefuError
    from kefu.org import service
    from kefu.org.models import OrgUnit
    from kefu.org.schemas import StaffCreate

    factory = make_sessionmaker(_engine(database_url))
    try:
        with unit_of_work(factory, write=True) as session:
            unit = session.scalar(select(OrgUnit).where(OrgUnit.code == org_unit))
            if unit is None:
                raise _fail(f"no org unit with code {org_unit}")
            data = StaffCreate(
                username=username,
                display_name=name or username,
                role=role,
                org_unit_id=unit.id,
                password=_prompt_password(password),
            )
            staff = service.create_staff(session, data=data, by=None)
    except KefuError as exc:
        raise _fail(f"{exc.code} ({exc.field or ''})") from None
    console.print(f"[green]✓[/] created {username} (id {staff.id}, {role.value})")


@users_app.command("set-password")
def users_set_password(
    username: str,
    password: Annotated[str | None, typer.Option(help="Prompted when absent.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Set a staff member's password (their sessions end)."""
    from kefu.errors import KefuError
    from kefu.org import repository, service

    factory = make_sessionmaker(_engine(database_url))
    try:
        with unit_of_work(factory, write=True) as session:
            staff = repository.staff_by_username(session, username)
            if staff is None:
                raise _fail(f"no staff member {username}")
            service.set_password(session, staff=staff, password=_prompt_password(password), by=None)
    except KefuError as exc:
        raise _fail(exc.code) from None
    console.print(f"[green]✓[/] password set for {username}")


@users_app.command("token")
def users_token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "integration",
    database_url: DatabaseOption = None,
) -> None:
    """Issue a bearer API token; it is printed once."""
    from kefu.org import auth, repository

    factory = make_sessionmaker(_engine(database_url))
    with unit_of_work(factory, write=True) as session:
        staff = repository.staff_by_username(session, username)
        if staff is None:
            raise _fail(f"no staff member {username}")
        _, secret = auth.create_token(session, staff_id=staff.id, name=name, by=None)
    console.print(secret)


@audit_app.command("verify")
def audit_verify(
    database_url: DatabaseOption = None,
    expect_head: Annotated[
        str | None, typer.Option(help="SEQ:HASH noted earlier; proves no row was cut from the end.")
    ] = None,
) -> None:
    """Check the audit log's hash chain; exit 1 on any tampered or missing row."""
    anchor = None
    if expect_head:
        seq, _, digest = expect_head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise _fail("--expect-head takes SEQ:HASH")
        anchor = (int(seq), digest)
    with make_sessionmaker(_engine(database_url))() as session:
        report = audit.verify(session, expect_head=anchor)
    for problem in report.problems:
        console.print(f"[red]•[/] {problem}")
    if not report.ok:
        raise _fail(f"audit log damaged: {len(report.problems)} problem(s) in {report.rows} rows")
    console.print(
        f"[green]✓[/] {report.rows} rows intact; head {report.head_seq}:{report.head_hash}"
    )


def main() -> None:
    """Console entry point."""
    app(prog_name="kefu")


if __name__ == "__main__":
    main()
