"""``kefu outbox``: the jobs the worker runs, and dead ones given another round.

A job that failed all its attempts (an SMS gateway down for hours, a refused mailbox)
is dead: the worker leaves it alone until an operator has looked at it and retries it.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from kefu.core import audit, outbox
from kefu.core.cli_support import DatabaseOption, session_factory_for
from kefu.core.db import unit_of_work

outbox_app = typer.Typer(
    help="Notification jobs: list them, retry the dead ones.", no_args_is_help=True
)
console = Console()
ERROR_SHOWN = 120  # characters of a job's last error in the listing


@outbox_app.command("list")
def outbox_list(
    database_url: DatabaseOption = None,
    status: Annotated[
        outbox.JobStatus, typer.Option(help="Which jobs: dead, pending or done.")
    ] = outbox.JobStatus.DEAD,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
) -> None:
    """The newest jobs of a status, with their attempts and last error."""
    query = (
        select(outbox.Job)
        .where(outbox.Job.status == status)
        .order_by(outbox.Job.id.desc())
        .limit(limit)
    )
    with session_factory_for(database_url)() as session:
        jobs = list(session.scalars(query))
    if not jobs:
        console.print(f"no {status.value} jobs")
        return
    table = Table("id", "kind", "attempts", "created", "next run", "last error")
    for job in jobs:
        table.add_row(
            str(job.id),
            job.kind,
            f"{job.attempts}/{job.max_attempts}",
            f"{job.created_at:%Y-%m-%d %H:%M}",
            f"{job.run_at:%Y-%m-%d %H:%M}" if status == outbox.JobStatus.PENDING else "—",
            job.last_error[:ERROR_SHOWN],
        )
    console.print(table)


@outbox_app.command("retry")
def outbox_retry(
    job_ids: Annotated[list[int] | None, typer.Argument(help="Dead jobs' ids.")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Every dead job.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Give dead jobs a fresh round of attempts (audited)."""
    if bool(job_ids) == all_dead:
        console.print("[bold red]✗[/] name the jobs to retry, or pass --all-dead")
        raise typer.Exit(code=2)
    with unit_of_work(session_factory_for(database_url), write=True) as session:
        ids = list(job_ids or []) or list(
            session.scalars(select(outbox.Job.id).where(outbox.Job.status == outbox.JobStatus.DEAD))
        )
        retried = outbox.retry_dead(session, ids) if ids else 0
        if retried:
            audit.record(
                session,
                actor=None,
                actor_name="kefu outbox",
                action="outbox.retry",
                entity_type="outbox",
                details={"jobs": ids, "retried": retried},
            )
    console.print(f"{retried} dead job(s) will run again")
