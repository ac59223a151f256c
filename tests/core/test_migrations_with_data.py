"""Every migration runs over a database that already holds rows pointing at the tables
it changes (an operator's upgrade), not only over an empty one."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, func, insert, select, text
from sqlalchemy import types as sqltypes

from conftest import fresh_postgres_database
from kefu.core.db import make_engine
from kefu.core.migrate import alembic_config, upgrade

# The first revision with work orders, before the later ones alter that table.
BEFORE_WORK_ORDER_CHANGES = "0004"
_serial = count(1)


def _dummy(column: object) -> object:
    kind = column.type  # type: ignore[attr-defined]
    if isinstance(kind, sqltypes.Boolean):
        return False
    if isinstance(kind, sqltypes.Integer):
        return 1
    if isinstance(kind, sqltypes.DateTime):
        return datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    if isinstance(kind, sqltypes.Date):
        return date(2026, 1, 5)
    length = getattr(kind, "length", None) or 20
    return f"x{next(_serial)}"[:length]


def _row(engine: Engine, meta: MetaData, table: str, **values: object) -> int:
    """Insert a row, filling every required column the caller did not give."""
    target = meta.tables[table]
    for column in target.columns:
        needed = not column.nullable and column.server_default is None
        if column.name not in values and needed and not column.primary_key:
            values[column.name] = _dummy(column)
    with engine.begin() as connection:
        result = connection.execute(insert(target).values(**values))
        return int(result.inserted_primary_key[0])


class _OldCenter:
    """A unit, a staff member and a category in a database at an old revision, and rows
    placed beside them as that revision's tables have them."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.meta = engine, MetaData()
        self.meta.reflect(engine)
        unit = self.row("org_units", parent_id=None, path="/1/")
        self.staff = self.row("staff", org_unit_id=unit, team_id=None)
        category = self.row("wo_categories", parent_id=None, path="/1/")
        self._order = {
            "org_unit_id": unit,
            "created_by_id": self.staff,
            "category_id": category,
            "customer_id": None,
            "team_id": None,
            "assignee_id": None,
        }

    def row(self, table: str, **values: object) -> int:
        return _row(self.engine, self.meta, table, **values)

    def order(self, **values: object) -> int:
        return self.row("work_orders", **(self._order | values))


def _database_at(request: pytest.FixtureRequest, tmp_path, revision: str, name: str) -> Engine:
    """A new database of the fixture's kind, migrated up to ``revision`` only."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("postgres_url"), f"_{name}")
    engine = make_engine(url)
    upgrade(engine, revision)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, BEFORE_WORK_ORDER_CHANGES, "old")


def test_upgrading_a_database_with_orders_keeps_them(old_database: Engine) -> None:
    center = _OldCenter(old_database)
    order = center.order()
    center.row("wo_events", order_id=order, actor_id=center.staff)

    upgrade(old_database)  # to the newest, over rows that point at work_orders

    with old_database.connect() as connection:
        orders = MetaData()
        orders.reflect(connection, only=["work_orders", "wo_events"])
        assert connection.scalar(select(func.count()).select_from(orders.tables["wo_events"])) == 1
        kept = connection.execute(select(orders.tables["work_orders"].c.id)).scalars().all()
        assert kept == [order]
        if old_database.dialect.name == "sqlite":  # enforcement is back on afterwards
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    old_database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_calling_off(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0019", "visits")


def test_visits_left_open_on_reopened_orders_are_called_off(
    database_before_calling_off: Engine,
) -> None:
    engine = database_before_calling_off
    center = _OldCenter(engine)
    left_at = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    orders = {
        status: center.order(status=status, updated_at=left_at)
        for status in ("in_progress", "return_visit")
    }
    visits = {
        status: center.row("wo_return_visits", order_id=order, done_at=None, note="")
        for status, order in orders.items()
    }

    upgrade(engine)

    table = MetaData()
    table.reflect(engine, only=["wo_return_visits"])
    visit = table.tables["wo_return_visits"]
    with engine.connect() as connection:
        rows = {r.id: r for r in connection.execute(select(visit))}
    reopened, awaited = rows[visits["in_progress"]], rows[visits["return_visit"]]
    assert reopened.done_at is not None and reopened.outcome is None
    assert reopened.done_at.replace(tzinfo=UTC) == left_at
    assert reopened.note
    assert awaited.done_at is None  # still awaiting its visit
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_second_handling(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0022", "rounds")


def test_rounds_and_breaches_before_second_handling_are_read_from_the_timeline(
    database_before_second_handling: Engine,
) -> None:
    engine = database_before_second_handling
    center = _OldCenter(engine)
    due_at = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
    late, reopened_at = due_at + timedelta(minutes=5), due_at + timedelta(days=2)

    def order(**values: object) -> int:
        return center.order(resolve_due_at=due_at, **values)

    # Breached, answered late, then reopened: its second round has not breached.
    first = order(breached_at=late, warned_at=due_at, replied_at=late + timedelta(hours=1))
    # Reopened, then breached (the old limit, from creation, had long passed).
    second = order(breached_at=reopened_at + timedelta(minutes=1))
    untouched = order(breached_at=late)
    for reopened in (first, second):
        center.row(
            "wo_events",
            order_id=reopened,
            action="reopen",
            actor_id=center.staff,
            occurred_at=reopened_at,
        )

    upgrade(engine)

    tables = MetaData()
    tables.reflect(engine, only=["wo_breaches", "work_orders"])
    breaches, orders = tables.tables["wo_breaches"], tables.tables["work_orders"]
    with engine.connect() as connection:
        kept = connection.execute(
            select(breaches.c.order_id, breaches.c.handling_round, breaches.c.due_at)
        ).all()
        rows = {r.id: r for r in connection.execute(select(orders))}
    assert sorted((o, r, d.replace(tzinfo=UTC)) for o, r, d in kept) == [
        (first, 1, due_at),
        (second, 2, due_at),
        (untouched, 1, due_at),
    ]
    assert [rows[o].handling_round for o in (first, second, untouched)] == [2, 2, 1]
    assert rows[first].round_started_at.replace(tzinfo=UTC) == reopened_at
    # What belonged to the first round no longer stands for the second.
    assert (rows[first].breached_at, rows[first].warned_at, rows[first].replied_at) == (
        None,
        None,
        None,
    )
    assert rows[second].breached_at is not None and rows[untouched].breached_at is not None
    assert rows[untouched].round_started_at is None
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_document_kinds(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0028", "documents")


def test_each_customers_document_is_read_off_the_number_they_registered(
    database_before_document_kinds: Engine,
) -> None:
    engine = database_before_document_kinds
    center = _OldCenter(engine)
    unit = center.row("org_units", parent_id=None, path="/2/")
    numbers = {
        "440104199003071239": "resident",
        "810000199003071232": "hong_kong_macao",
        "820000199003071237": "hong_kong_macao",
        "830000199003071231": "taiwan",
        "944840198001011238": "foreign_permanent",
        None: None,
    }
    for number in numbers:
        center.row("customers", org_unit_id=unit, id_number=number, enterprise_id=None)

    upgrade(engine)

    customers = MetaData()
    customers.reflect(engine, only=["customers"])
    table = customers.tables["customers"]
    with engine.connect() as connection:
        found = dict(connection.execute(select(table.c.id_number, table.c.id_kind)).all())
    assert found == numbers
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_card_nationality(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0031", "nationality")


def test_each_permanent_residence_card_is_kept_with_the_nationality_it_gives(
    database_before_card_nationality: Engine,
) -> None:
    engine = database_before_card_nationality
    center = _OldCenter(engine)
    unit = center.row("org_units", parent_id=None, path="/2/")
    customers = {
        ("944840198001011238", "foreign_permanent", None): "US",
        ("944276198001011232", "foreign_permanent", None): "DE",
        ("944999198001011234", "foreign_permanent", None): None,  # no country's code
        ("E12345678", "passport", "GB"): "GB",
        ("440104199003071239", "resident", None): None,
    }
    for number, kind, country in customers:
        center.row(
            "customers",
            org_unit_id=unit,
            id_number=number,
            id_kind=kind,
            id_country=country,
            enterprise_id=None,
        )

    upgrade(engine)

    meta = MetaData()
    meta.reflect(engine, only=["customers"])
    table = meta.tables["customers"]
    with engine.connect() as connection:
        found = dict(connection.execute(select(table.c.id_number, table.c.id_country)).all())
    assert found == {number: country for (number, _, _), country in customers.items()}
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_order_status_rule(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0033", "cx")


def _sms_rules(engine: Engine) -> list[tuple[str, str, int]]:
    meta = MetaData()
    meta.reflect(engine, only=["contact_intake_rules"])
    rules = meta.tables["contact_intake_rules"]
    query = select(rules.c.keyword, rules.c.lookup, rules.c.sort_order).where(
        rules.c.channel == "sms"
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(rules.c.sort_order))]


def _add_sms_rules(
    center: _OldCenter, rules: tuple[tuple[str, str, int], ...], *, active: bool = False
) -> None:
    """The center's own SMS rules: keyword, lookup and place."""
    for keyword, lookup, order in rules:
        center.row(
            "contact_intake_rules",
            channel="sms",
            keyword=keyword,
            lookup=lookup,
            sort_order=order,
            active=active,
        )


def test_a_center_with_its_rules_gets_the_order_rules_before_its_catch_all(
    database_before_order_status_rule: Engine,
) -> None:
    engine = database_before_order_status_rule
    center = _OldCenter(engine)
    _add_sms_rules(center, (("YE", "balance", 0), ("KF", "", 20), ("*", "", 40)))

    upgrade(engine, "0034")

    assert _sms_rules(engine) == [
        ("YE", "balance", 0),
        ("KF", "", 20),
        ("CX", "orders", 38),  # answered before the catch-all leaves them to an agent
        ("CB", "chase", 39),
        ("*", "", 40),
    ]
    engine.dispose()


def test_a_center_that_made_its_own_cx_keeps_it(
    database_before_order_status_rule: Engine,
) -> None:
    engine = database_before_order_status_rule
    center = _OldCenter(engine)
    _add_sms_rules(center, (("CX", "", 5),))
    upgrade(engine, "0034")
    assert _sms_rules(engine) == [("CB", "chase", 1), ("CX", "", 5)]
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_visit_move_rule(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0039", "gy")


def test_a_center_with_its_rules_gets_gy_just_before_its_catch_all(
    database_before_visit_move_rule: Engine,
) -> None:
    engine = database_before_visit_move_rule
    center = _OldCenter(engine)
    _add_sms_rules(
        center, (("YE", "balance", 0), ("CB", "chase", 20), ("*", "", 40), ("ZZ", "", 50))
    )
    upgrade(engine, "0040")
    assert _sms_rules(engine) == [
        ("YE", "balance", 0),
        ("CB", "chase", 20),
        ("GY", "move_visit", 40),  # answered before the catch-all leaves it to an agent
        ("*", "", 41),
        ("ZZ", "", 51),
    ]
    engine.dispose()


def test_a_center_that_made_its_own_gy_keeps_it(database_before_visit_move_rule: Engine) -> None:
    engine = database_before_visit_move_rule
    center = _OldCenter(engine)
    _add_sms_rules(center, (("GY", "", 5), ("*", "", 9)))
    upgrade(engine, "0040")
    assert _sms_rules(engine) == [("GY", "", 5), ("*", "", 9)]
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_rating_rules(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0040", "rating")


def _active(engine: Engine) -> dict[str, bool]:
    meta = MetaData()
    meta.reflect(engine, only=["contact_intake_rules"])
    rules = meta.tables["contact_intake_rules"]
    with engine.connect() as connection:
        return dict(connection.execute(select(rules.c.keyword, rules.c.active)).all())


def test_a_center_with_its_rules_gets_the_rating_rules_switched_off(
    database_before_rating_rules: Engine,
) -> None:
    engine = database_before_rating_rules
    center = _OldCenter(engine)
    _add_sms_rules(center, (("YE", "balance", 0), ("*", "", 40)), active=True)
    upgrade(engine, "0041")
    assert _sms_rules(engine) == [
        ("YE", "balance", 0),
        ("1", "rating", 40),
        ("2", "rating", 41),
        ("3", "rating", 42),
        ("*", "", 43),
    ]
    # texting every closed complaint's customer is the center's choice: they come off
    assert _active(engine) == {"YE": True, "1": False, "2": False, "3": False, "*": True}
    engine.dispose()


def test_a_center_with_its_own_rule_1_gets_none_of_them(
    database_before_rating_rules: Engine,
) -> None:
    engine = database_before_rating_rules
    center = _OldCenter(engine)
    _add_sms_rules(center, (("1", "", 5),))
    upgrade(engine, "0041")
    assert _sms_rules(engine) == [("1", "", 5)]
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_bill_rule(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0041", "zd")


def test_a_center_with_its_rules_gets_zd_just_before_its_catch_all(
    database_before_bill_rule: Engine,
) -> None:
    engine = database_before_bill_rule
    center = _OldCenter(engine)
    _add_sms_rules(center, (("YE", "balance", 0), ("*", "", 40), ("ZZ", "", 41)))
    upgrade(engine, "0042")
    assert _sms_rules(engine) == [
        ("YE", "balance", 0),
        ("ZD", "bill", 40),
        ("*", "", 41),
        ("ZZ", "", 42),
    ]
    assert _active(engine)["ZD"] is True
    engine.dispose()


def test_a_center_without_a_catch_all_gets_zd_last_and_its_own_zd_stays(
    database_before_bill_rule: Engine,
) -> None:
    engine = database_before_bill_rule
    center = _OldCenter(engine)
    _add_sms_rules(center, (("YE", "balance", 0), ("TC", "package", 3)))
    upgrade(engine, "0042")
    assert _sms_rules(engine)[-1] == ("ZD", "bill", 4)
    with engine.begin() as connection:  # taken back: the rule goes, nothing else
        command.downgrade(alembic_config(connection=connection), "0041")
    assert _sms_rules(engine) == [("YE", "balance", 0), ("TC", "package", 3)]
    _add_sms_rules(center, (("ZD", "", 7),))
    upgrade(engine, "0042")
    assert _sms_rules(engine)[-1] == ("ZD", "", 7)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_engineer_reports(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0046", "hd")


def test_a_center_with_its_rules_gets_hd_on_just_before_its_catch_all(
    database_before_engineer_reports: Engine,
) -> None:
    engine = database_before_engineer_reports
    center = _OldCenter(engine)
    _add_sms_rules(center, (("GY", "move_visit", 0), ("*", "", 40)), active=True)
    upgrade(engine, "0047")
    assert _sms_rules(engine) == [
        ("GY", "move_visit", 0),
        ("HD", "engineer_report", 40),
        ("*", "", 41),
    ]
    # it answers only the roster's engineers, so it comes on with the upgrade
    assert _active(engine)["HD"] is True
    with engine.begin() as connection:  # taken back: the rule goes, nothing else
        command.downgrade(alembic_config(connection=connection), "0046")
    assert _sms_rules(engine) == [("GY", "move_visit", 0), ("*", "", 41)]
    engine.dispose()


def test_a_center_that_made_its_own_hd_keeps_it(database_before_engineer_reports: Engine) -> None:
    engine = database_before_engineer_reports
    center = _OldCenter(engine)
    _add_sms_rules(center, (("HD", "", 5), ("*", "", 9)))
    upgrade(engine, "0047")
    assert _sms_rules(engine) == [("HD", "", 5), ("*", "", 9)]
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_engineer_hours(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0048", "hours")


def test_engineers_on_the_roster_work_any_time_after_the_upgrade(
    database_before_engineer_hours: Engine,
) -> None:
    engine = database_before_engineer_hours
    center = _OldCenter(engine)
    unit = center.row("org_units", parent_id=None, path="/2/")
    engineer = center.row("field_engineers", org_unit_id=unit, name="张志强", skills="broadband")
    upgrade(engine, "0049")
    hours = text("SELECT name, skills, work_start, work_end FROM field_engineers WHERE id = :id")
    with engine.connect() as connection:
        kept = connection.execute(hours, {"id": engineer}).one()
    assert tuple(kept) == ("张志强", "broadband", None, None)  # no hours: booked any time
    with engine.begin() as connection:  # taken back: the hours go, the engineer stays
        command.downgrade(alembic_config(connection=connection), "0048")
    with engine.connect() as connection:
        left = connection.execute(text("SELECT name, skills FROM field_engineers")).one()
    assert tuple(left) == ("张志强", "broadband")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_taking_in_turn(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0050", "in_turn")


def test_teams_let_their_handlers_pick_after_the_upgrade(
    database_before_taking_in_turn: Engine,
) -> None:
    engine = database_before_taking_in_turn
    center = _OldCenter(engine)
    unit = center.row("org_units", parent_id=None, path="/2/")
    team = center.row("teams", org_unit_id=unit, name="投诉处理班")
    upgrade(engine, "0051")
    rule = text("SELECT name, takes_in_turn FROM teams WHERE id = :id")
    with engine.connect() as connection:
        kept = connection.execute(rule, {"id": team}).one()
    assert tuple(kept) == ("投诉处理班", False)  # picking from the list, as before
    with engine.begin() as connection:  # taken back: the rule goes, the team stays
        command.downgrade(alembic_config(connection=connection), "0050")
    with engine.connect() as connection:
        left = connection.execute(text("SELECT name FROM teams")).scalars().all()
    assert left == ["投诉处理班"]
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_days_off(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0051", "days_off")


def test_engineers_work_every_day_after_the_upgrade(database_before_days_off: Engine) -> None:
    engine = database_before_days_off
    center = _OldCenter(engine)
    unit = center.row("org_units", parent_id=None, path="/2/")
    engineer = center.row("field_engineers", org_unit_id=unit, name="张志强", skills="")
    upgrade(engine, "0052")
    with engine.connect() as connection:
        days = connection.execute(text("SELECT COUNT(*) FROM field_engineer_days_off")).scalar()
    assert days == 0  # none off: as before
    center.meta.clear()
    center.meta.reflect(engine)
    center.row("field_engineer_days_off", engineer_id=engineer, day=date(2026, 12, 9), reason="")
    with engine.begin() as connection:  # taken back: the days off go, the engineer stays
        command.downgrade(alembic_config(connection=connection), "0051")
    with engine.connect() as connection:
        left = connection.execute(text("SELECT name FROM field_engineers")).scalars().all()
    assert left == ["张志强"]
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_supervised_queue(request: pytest.FixtureRequest, tmp_path) -> Engine:
    return _database_at(request, tmp_path, "0057", "supervised")


def test_supervised_orders_keep_the_soonest_answer_still_owed(
    database_before_supervised_queue: Engine,
) -> None:
    engine = database_before_supervised_queue
    center = _OldCenter(engine)
    pressed = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    sooner, later = pressed + timedelta(hours=6), pressed + timedelta(days=2)

    def supervised(status: str, *steps: tuple[str, str, dict[str, str]]) -> int:
        order = center.order(status=status, supervise_count=1, last_supervised_at=pressed)
        for kind, to_status, details in steps:
            center.row(
                "wo_events",
                order_id=order,
                kind=kind,
                to_status=to_status,
                actor_id=center.staff,
                details=json.dumps(details),
            )
        return order

    def asked(when: datetime) -> tuple[str, str, dict[str, str]]:
        return ("supervise", "", {"answer_by": when.isoformat()})

    twice = supervised("in_progress", asked(later), asked(sooner))
    answered = supervised("replied", asked(sooner), ("transition", "replied", {}))
    reopened = supervised("in_progress", asked(sooner), ("transition", "replied", {}), asked(later))
    no_time = supervised("dispatched", ("supervise", "", {}))
    upgrade(engine, "0058")
    query = text("SELECT id, supervise_answer_by FROM work_orders ORDER BY id")
    with engine.connect() as connection:
        found = {row.id: row.supervise_answer_by for row in connection.execute(query)}
    assert list(found) == [twice, answered, reopened, no_time]

    def instant(value: object) -> datetime | None:  # SQLite keeps no offset: UTC, as kefu
        if value is None:
            return None
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    assert instant(found[twice]) == sooner  # the sooner of the two times asked
    assert found[answered] is None  # answered: nothing owed
    assert instant(found[reopened]) == later  # only what was asked since its answer
    assert found[no_time] is None
    # taken back, and the supervision with it: the orders and their steps stay
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), "0056")
    with engine.connect() as connection:
        left = connection.execute(text("SELECT COUNT(*) FROM work_orders")).scalar()
        steps = connection.execute(text("SELECT COUNT(*) FROM wo_events")).scalar()
    assert (left, steps) == (4, 8)
    engine.dispose()
