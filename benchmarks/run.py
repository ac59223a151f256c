"""kefu benchmarks: one command, JSON out, a printed table.

    python -m benchmarks.run [--subscribers 1000000] [--backends sqlite,postgresql]

Databases are generated once into benchmarks/.cache (SQLite) or a pgserver data
directory there, and reused on later runs of the same size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select

from benchmarks.http_load import lookup_load
from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.core.migrate import upgrade
from kefu.core.rbac import Principal, Role, rights_for
from kefu.customers import service
from kefu.customers.models import Customer, Subscription
from kefu.customers.view import build_view
from kefu.demo.generator import GenerateOptions, generate

HERE = Path(__file__).parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
console = Console()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _sqlite_url(size: int, *, fresh: bool, kind: str = "bench") -> str:
    path = CACHE / f"{kind}-{size}.db"
    if fresh:
        for leftover in CACHE.glob(f"{kind}-{size}.db*"):
            leftover.unlink()
    return f"sqlite:///{path}"


def _postgres_url(size: int, *, fresh: bool, kind: str = "bench") -> str:
    import pgserver
    from sqlalchemy import create_engine, text

    server = pgserver.get_server(CACHE / "pg", cleanup_mode=None)
    url = server.get_uri()
    admin = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    name = f"{kind}_{size}"
    with admin.connect() as connection:
        if fresh:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname=:n"), {"n": name})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.replace("/postgres?", f"/{name}?")


def _database(
    backend: str, size: int, *, kind: str = "bench", options: GenerateOptions | None = None
) -> tuple[str, dict[str, Any]]:
    """A generated database of the size, built once; its URL and the generation figures.

    The figures are kept next to the database when it is complete, so a database whose
    generation was interrupted is recognised (no figures) and built again.
    """
    CACHE.mkdir(exist_ok=True)
    figures_file = CACHE / f"generated-{kind}-{backend}-{size}.json"
    complete = figures_file.exists()
    make_url = _sqlite_url if backend == "sqlite" else _postgres_url
    url = make_url(size, fresh=not complete, kind=kind)
    if complete:
        upgrade(make_engine(url))  # a database cached by an earlier version gets new tables
        return url, json.loads(figures_file.read_text()) | {"cached": True}
    engine = make_engine(url)
    upgrade(engine)
    console.print(f"generating {size:,} subscribers on {backend}…")
    started = time.perf_counter()
    result = generate(
        engine,
        options or GenerateOptions(subscribers=size, batch_size=10_000, orders=False, articles=0),
    )
    seconds = time.perf_counter() - started
    engine.dispose()
    rows = sum(result.counts.values())
    figures = {"rows": rows, "seconds": round(seconds, 1), "rows_per_second": round(rows / seconds)}
    figures_file.write_text(json.dumps(figures))
    return url, figures


def _principal() -> Principal:
    return Principal(
        staff_id=1,
        username="bench",
        display_name="bench",
        role=Role.SUPERVISOR,
        org_unit_id=1,
        scope_path="/",
        language="zh-CN",
        rights=rights_for(Role.SUPERVISOR),
    )


def _sample_numbers(engine: Engine, count: int) -> list[str]:
    with engine.connect() as connection:
        top = connection.scalar(select(func.max(Subscription.id))) or 1
        ids = random.Random(1).sample(range(1, top + 1), min(count, top))
        rows = connection.execute(select(Subscription.msisdn).where(Subscription.id.in_(ids)))
        return [row[0] for row in rows]


def lookup_in_process(url: str, iterations: int = 3000) -> dict[str, Any]:
    """360 lookups in this process, one session each, with a primary-key read as reference."""
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    numbers = _sample_numbers(engine, iterations)
    principal = _principal()
    odd = [f"+86 {n[3:6]}-{n[6:10]}-{n[10:]}" for n in numbers]
    timings, reference = [], []
    for raw in odd[:200]:  # warm the caches
        with unit_of_work(factory) as session:
            service.find_by_phone(session, raw_phone=raw)
    for index, raw in enumerate(odd):
        started = time.perf_counter()
        # unit_of_work ends reads with COMMIT, as a request does (see core.web.end_read).
        with unit_of_work(factory) as session:
            subscription, customer, unit = service.find_by_phone(session, raw_phone=raw)
            build_view(
                session,
                customer=customer,
                unit=unit,
                viewer=principal,
                matched_msisdn=subscription.msisdn,
            )
        timings.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with unit_of_work(factory) as session:
            session.get(Customer, index + 1)
        reference.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    p50, p99 = statistics.median(timings), _percentile(timings, 0.99)
    return {
        "iterations": len(timings),
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "reference_pk_read_p50_ms": round(statistics.median(reference), 3),
        "ratio_to_pk_read_p50": round(p50 / statistics.median(reference), 1),
        "target_p99_ms": 10,
        "meets_target": p99 <= 10,
    }


def _token(url: str) -> str:
    from kefu.org import auth, repository

    factory = make_sessionmaker(make_engine(url))
    with unit_of_work(factory, write=True) as session:
        staff = repository.staff_by_username(session, "supervisor")
        assert staff is not None
        _, secret = auth.create_token(session, staff_id=staff.id, name="bench", by=None)
    return secret


def main() -> None:
    """Run the benchmarks and write benchmarks/results/<name>.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--http-seconds", type=float, default=20)
    parser.add_argument(
        "--suites",
        default="customer360,workorders,access,analysis,value,kpis,notices",
        help="any of customer360, workorders, access, analysis, value, kpis, notices",
    )
    args = parser.parse_args()
    suites = set(args.suites.split(","))
    if "workorders" in suites:
        _workorders(args)
    if "access" in suites:
        _access(args)
    if "analysis" in suites:
        _analysis()
    if "value" in suites:
        _value(args)
    if "kpis" in suites:
        _kpis(args)
    if "notices" in suites:
        _notices(args)
    if "customer360" not in suites:
        return
    report: dict[str, Any] = {"subscribers": args.subscribers, "machine_cores": os.cpu_count()}
    for backend in args.backends.split(","):
        url, generation = _database(backend, args.subscribers)
        entry: dict[str, Any] = {
            "generator": generation,
            "lookup_in_process": lookup_in_process(url),
        }
        numbers = _sample_numbers(make_engine(url), 2000)
        entry["lookup_http"] = lookup_load(url, _token(url), numbers, seconds=args.http_seconds)
        report[backend] = entry
    _save("customer360", report)
    _print(report)


def _save(suite: str, report: dict[str, Any]) -> None:
    """Write a suite's figures to results/<suite>.json (the folder is not in git)."""
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    (RESULTS / f"{suite}.json").write_text(text, encoding="utf-8")


def _access(args: argparse.Namespace) -> None:
    """ACD, webhook, FastAGI and simulator figures on a 20,000-subscriber center."""
    from benchmarks import access

    report: dict[str, Any] = {"machine_cores": os.cpu_count()}
    report["simulator"] = access.simulated_calls_per_second()
    for backend in args.backends.split(","):
        url, _ = _database(backend, 20_000)
        console.print(f"access on {backend}…")
        report[backend] = access.run(url, min(args.http_seconds, 15))
    _save("access", report)
    console.print_json(json.dumps(report))


def _analysis() -> None:
    """PLS with bootstrap, forecast and staffing (no database)."""
    from benchmarks import analysis

    report: dict[str, Any] = {"machine_cores": os.cpu_count()} | analysis.run()
    _save("analysis", report)
    console.print_json(json.dumps(report))


def _value(args: argparse.Namespace) -> None:
    """RFM + K-Means and churn scoring over every number of a center of --subscribers
    (numbers, spend and payments only: no orders or call history to generate)."""
    from benchmarks import value

    report: dict[str, Any] = {"machine_cores": os.cpu_count(), "subscribers": args.subscribers}
    options = GenerateOptions(
        subscribers=args.subscribers,
        batch_size=10_000,
        orders=False,
        articles=0,
        surveys=0,
        history_weeks=0,
    )
    for backend in args.backends.split(","):
        url, generation = _database(backend, args.subscribers, kind="value", options=options)
        console.print(f"customer value and churn on {backend}…")
        report[backend] = {"generator": generation} | value.run(url)
    _save("value", report)
    console.print_json(json.dumps(report))


def _kpis(args: argparse.Namespace) -> None:
    """A month of KPIs over 10,000,000 interactions and 1,000,000 orders per database."""
    from benchmarks import kpis

    report: dict[str, Any] = {"machine_cores": os.cpu_count()}
    options = GenerateOptions(
        subscribers=100_000,
        batch_size=10_000,
        orders=False,
        articles=0,
        surveys=0,
        history_weeks=0,
    )
    for backend in args.backends.split(","):
        url, generation = _database(backend, 100_000, kind="kpi", options=options)
        console.print(f"a month of KPIs on {backend} (written once)…")
        filled = kpis.fill(url)
        report[backend] = {"generator": generation, "month": filled} | kpis.run(url)
    _save("kpis", report)
    console.print_json(json.dumps(report))


def _notices(args: argparse.Namespace) -> None:
    """A notice to the big customers of a center of --subscribers, sent in batches."""
    from benchmarks import notices

    report: dict[str, Any] = {"machine_cores": os.cpu_count(), "subscribers": args.subscribers}
    for backend in args.backends.split(","):
        url, _ = _database(backend, args.subscribers)
        console.print(f"a notice to big customers on {backend}…")
        report[backend] = notices.run(url)
    _save("notices", report)
    console.print_json(json.dumps(report))


def _workorders(args: argparse.Namespace) -> None:
    """Work-order figures on a 20,000-subscriber center per database."""
    from benchmarks import workorders

    report: dict[str, Any] = {"machine_cores": os.cpu_count()}
    for backend in args.backends.split(","):
        url, _ = _database(backend, 20_000)
        console.print(f"work orders on {backend}…")
        report[backend] = workorders.run(url, _token(url), min(args.http_seconds, 15))
    _save("workorders", report)
    table = Table("backend", "measure", "value", title="work orders")
    for backend in args.backends.split(","):
        entry = report[backend]
        http = entry["creation_http"]
        floor = http["bare_fastapi_insert"]["throughput_rps"]
        table.add_row(
            backend,
            "create over HTTP, 16 concurrent",
            f"{http['kefu']['throughput_rps']} req/s, p99 {http['kefu']['p99_ms']} ms; "
            f"{http['ratio']}× a bare FastAPI insert ({floor} req/s)",
        )
        table.add_row(
            backend,
            "server CPU per creation",
            f"{http['kefu']['server_cpu_ms_per_request']} ms "
            f"({http['kefu']['server_cores_busy']} cores busy); a bare insert "
            f"{http['bare_fastapi_insert']['server_cpu_ms_per_request']} ms",
        )
        table.add_row(
            backend, "full lifecycles", f"{entry['lifecycles']['lifecycles_per_second']}/s"
        )
        rate = entry["repeat_rate"]
        table.add_row(
            backend,
            f"monthly repeat rate over {rate['orders_in_table']:,} orders",
            f"{max(rate['seconds'].values())} s (target {rate['target_seconds']} s)",
        )
        kb = entry["knowledge_search"]
        table.add_row(
            backend,
            f"knowledge search over {kb['articles']:,} articles p50 / p95",
            f"{kb['p50_ms']} / {kb['p95_ms']} ms (target p95 {kb['target_p95_ms']} ms; "
            f"{kb['ratio_to_pk_read_p50']}× a primary-key read)",
        )
    console.print(table)


def _print(report: dict[str, Any]) -> None:
    table = Table("backend", "measure", "value", title=f"{report['subscribers']:,} subscribers")
    for backend in ("sqlite", "postgresql"):
        entry = report.get(backend)
        if not entry:
            continue
        lookup = entry["lookup_in_process"]
        table.add_row(
            backend,
            "360 lookup in-process p50 / p99",
            f"{lookup['p50_ms']} / {lookup['p99_ms']} ms "
            f"({lookup['ratio_to_pk_read_p50']}× a primary-key read)",
        )
        if entry.get("generator"):
            table.add_row(backend, "generator", f"{entry['generator']['rows_per_second']:,} rows/s")
        if entry.get("lookup_http"):
            http = entry["lookup_http"]
            floor = http["reference_bare_fastapi_pk_read"]["throughput_rps"]
            table.add_row(
                backend,
                "HTTP lookup, 16 concurrent, 2 workers",
                f"{http['throughput_rps']} req/s, p50 {http['p50_ms']} ms, "
                f"p99 {http['p99_ms']} ms ({http['client'].split()[0]}); "
                f"{http['throughput_ratio_to_reference']}× the throughput of a bare "
                f"FastAPI primary-key read ({floor} req/s)",
            )
    console.print(table)


if __name__ == "__main__":
    main()
