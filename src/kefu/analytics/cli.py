"""``kefu churn`` (train the churn model, score a week's warning list) and ``kefu value``
(segment customers by RFM) and ``kefu text`` (retrain the complaint classifier)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from kefu.analytics import alerts, bulletin, churn_service, rfm_service, text_classes
from kefu.analytics.churn import ChurnDataError
from kefu.analytics.rfm import RfmDataError
from kefu.config import get_settings
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.cli_support import DatabaseOption, session_factory_for
from kefu.core.clock import local_today
from kefu.core.db import unit_of_work

churn_app = typer.Typer(
    help="Churn warning: train the model, score the week's list.", no_args_is_help=True
)
console = Console()


@churn_app.command("train")
def churn_train(
    database_url: DatabaseOption = None,
    as_of: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD; leavers known up to this day (default today).")
    ] = None,
    horizon: Annotated[int, typer.Option(min=7, max=182, help="Days a label looks ahead.")] = 28,
    table: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Train on this CSV instead of kefu's data."),
    ] = None,
    label: Annotated[str, typer.Option(help="The CSV's 0/1 column: 1 = left.")] = "churned",
    id_column: Annotated[str | None, typer.Option(help="The CSV's row key column.")] = None,
    period_column: Annotated[
        str | None, typer.Option(help="The CSV's period column: its last value is the test.")
    ] = None,
) -> None:
    """Train and validate a churn model, keep it as the one in use, print its report."""
    factory = session_factory_for(database_url)
    try:
        with unit_of_work(factory, write=True) as session:
            trained = (
                churn_service.train_on_file(
                    session, table, label=label, id_column=id_column, period_column=period_column
                )
                if table is not None
                else churn_service.train_on_center(
                    session,
                    as_of=_day(as_of),
                    horizon_days=horizon,
                    timezone=get_settings().timezone,
                )
            )
            _audit(session, "churn.train", trained.model_id, trained.report)
    except ChurnDataError as error:
        console.print(f"[bold red]✗[/] {error}")
        raise typer.Exit(code=1) from None
    _print_report(trained.report)


@churn_app.command("score")
def churn_score(
    database_url: DatabaseOption = None,
    week: Annotated[str | None, typer.Option(help="Any day of the week (default today).")] = None,
) -> None:
    """Score every number in service and write the week's warning list."""
    factory = session_factory_for(database_url)
    day = _day(week)
    try:
        with unit_of_work(factory, write=True) as session:
            kept = churn_service.score_week(session, day, timezone=get_settings().timezone)
            _audit(session, "churn.score", None, {"week": str(churn_service.monday_of(day))})
    except ChurnDataError as error:
        console.print(f"[bold red]✗[/] {error}")
        raise typer.Exit(code=1) from None
    console.print(f"[green]✓[/] {kept} numbers on the list of {churn_service.monday_of(day)}")


def _day(text: str | None) -> date:
    if text is None:
        return local_today(get_settings().timezone)
    try:
        return date.fromisoformat(text)
    except ValueError:
        console.print("[bold red]✗[/] dates are written YYYY-MM-DD")
        raise typer.Exit(code=1) from None


def _audit(session: Session, action: str, model_id: int | None, report: dict[str, Any]) -> None:
    metrics = report.get("metrics", {})
    details: dict[str, Any] = {
        k: report[k] for k in ("split", "train", "test", "cutoffs", "source") if k in report
    }
    if metrics:
        details["auc"] = round(metrics["auc"], 4)
    if "week" in report:
        details["week"] = report["week"]
    audit.record(
        session,
        actor=None,
        actor_name="kefu churn",
        action=action,
        entity_type="analysis_model",
        entity_id=model_id,
        details=details,
    )


def _print_report(report: dict[str, Any]) -> None:
    metrics = report["metrics"]
    console.print(
        f"[green]✓[/] trained ({report['split']} split): "
        f"{report['train']['rows']:,} rows, {report['train']['leavers']:,} leavers; "
        f"tested on {report['test']['rows']:,} rows, {report['test']['leavers']:,} leavers"
    )
    console.print(
        f"AUC {metrics['auc']:.3f} · base rate {metrics['base_rate']:.2%} · "
        f"Brier {metrics['brier']:.4f}"
    )
    table = Table("top share", "numbers", "precision", "lift")
    for row in metrics["precision_at"]:
        table.add_row(
            f"{row['share']:.0%}", f"{row['k']:,}", f"{row['precision']:.1%}", f"{row['lift']:.1f}×"
        )
    console.print(table)
    weights = Table("feature", "log-odds per sd")
    for row in report["coefficients"]:
        weights.add_row(row["feature"], f"{row['per_sd']:+.3f}")
    console.print(weights)


value_app = typer.Typer(help="Customer value: RFM segmentation.", no_args_is_help=True)


@value_app.command("segment")
def value_segment(
    database_url: DatabaseOption = None,
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today).")] = None,
) -> None:
    """Segment every number in service by RFM (K-Means, k by silhouette); print the segments."""
    factory = session_factory_for(database_url)
    try:
        with unit_of_work(factory, write=True) as session:
            run = rfm_service.run_segmentation(
                session, as_of=_day(as_of), timezone=get_settings().timezone
            )
            audit.record(
                session,
                actor=None,
                actor_name="kefu value",
                action="value.segment",
                entity_type="analysis_model",
                entity_id=run.model_id,
                details={"as_of": run.report["as_of"], "k": run.report["k"]},
            )
    except RfmDataError as error:
        console.print(f"[bold red]✗[/] {error}")
        raise typer.Exit(code=1) from None
    report = run.report
    console.print(
        f"[green]✓[/] {report['numbers']:,} numbers in {report['k']} segments "
        f"(silhouette {report['silhouettes'][str(report['k'])]:.3f})"
    )
    table = Table("segment", "numbers", "days since paid", "payments", "paid (yuan)")
    for row in report["segments"]:
        table.add_row(
            row["code"],
            f"{row['size']:,}",
            f"{row['recency_days']:.0f}",
            f"{row['frequency']:.1f}",
            f"{row['monetary_fen'] / 100:,.0f}",
        )
    console.print(table)


text_app = typer.Typer(help="Complaint text classification.", no_args_is_help=True)


@text_app.command("train")
def text_train(database_url: DatabaseOption = None) -> None:
    """Retrain the category classifier on the orders so far; print its held-out report."""
    factory = session_factory_for(database_url)
    try:
        with unit_of_work(factory, write=True) as session:
            texts, labels = text_classes.training_data(session)
            model, report = text_classes.train(texts, labels)
            model_id = text_classes.store(session, model, report, None)
            audit.record(
                session,
                actor=None,
                actor_name="kefu text",
                action="text.train",
                entity_type="analysis_model",
                entity_id=model_id,
                details={k: report[k] for k in ("orders", "categories", "macro_f1")},
            )
    except text_classes.TextDataError as error:
        console.print(f"[bold red]✗[/] {error}")
        raise typer.Exit(code=1) from None
    console.print(
        f"[green]✓[/] trained on {report['orders']:,} orders in {report['categories']} "
        f"categories; held out {report['held_out']:,}: macro-F1 {report['macro_f1']:.3f}, "
        f"accuracy {report['accuracy']:.3f}, top-3 {report['top3_accuracy']:.3f}"
    )
    if report["left_out"]:
        console.print(f"categories with too few orders to learn: {report['left_out']}")


def bulletin_command(
    period: Annotated[str, typer.Option(help="The month, YYYY-MM.")],
    database_url: DatabaseOption = None,
    output: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="Where to write (default bulletin-YYYY-MM.html)."),
    ] = None,
    language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
) -> None:
    """Render the month's service-quality bulletin as HTML that prints on A4."""
    try:
        year, month = (int(part) for part in period.split("-"))
        key = year * 100 + month
        if not (2000 <= year <= 2099 and 1 <= month <= 12):
            raise ValueError
    except ValueError:
        console.print("[bold red]✗[/] the period is written YYYY-MM, e.g. 2026-10")
        raise typer.Exit(code=1) from None
    if language not in ("zh-CN", "en"):
        console.print("[bold red]✗[/] the language is zh-CN or en")
        raise typer.Exit(code=1)
    factory = session_factory_for(database_url)
    with factory() as session:
        found = bulletin.build(session, key, timezone=get_settings().timezone, language=language)
    target = output or Path(f"bulletin-{year:04d}-{month:02d}.html")
    target.write_text(bulletin.render_html(found), encoding="utf-8")
    console.print(f"[green]✓[/] {target}")


alerts_app = typer.Typer(help="Early warning rules.", no_args_is_help=True)


@alerts_app.command("check")
def alerts_check(
    database_url: DatabaseOption = None,
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today so far).")] = None,
) -> None:
    """Run the early-warning rules on a day; raise and mail the alerts not raised before."""
    factory = session_factory_for(database_url)
    settings = get_settings()
    with unit_of_work(factory, write=True) as session:
        raised = alerts.check(session, _day(day), timezone=settings.timezone, now=utcnow())
        titles = [alerts.describe(session, a, "en") for a in raised]
    for title, subject in titles:
        console.print(f"[yellow]![/] {title} — {subject}")
    console.print(f"[green]✓[/] {len(titles)} new alert(s)")
