"""The demo's field engineers and the visits of its finished on-site orders (上门处理).

Each branch has a roster of three engineers. A broadband or indoor-coverage fault or
complaint that was answered had an engineer come while it was handled: booked soon after
the handling began, for a two-hour window before the answer, on the order's timeline as
the booking service writes it. Most were made; a few the customer or the engineer
missed. An engineer is never booked for two overlapping windows; when all three are
taken, a contractor is named by hand, as a dispatcher would.

Drawn from a stream of its own, so the orders stay as the same seed made them."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select

from kefu.demo.refunds import Handled
from kefu.org.enums import OrgLevel
from kefu.org.models import OrgUnit
from kefu.workorders.engineers import within_hours
from kefu.workorders.enums import AppointmentStatus, EngineerSkill, EventKind, OrderType
from kefu.workorders.models import FieldEngineer

ENGINEER_NAMES = (
    "张志强", "李建华", "王海涛", "陈伟", "刘洋", "黄磊", "赵勇", "周杰", "吴斌",
    "徐军", "孙浩", "马超", "朱磊", "胡涛", "郭鹏", "何俊", "林峰", "罗刚",
)  # fmt: skip
PER_BRANCH = 3
# a branch's three: one for broadband, one for indoor coverage, one who does both
BRANCH_SKILLS = (EngineerSkill.BROADBAND.value, EngineerSkill.COVERAGE.value, "")
# and their working hours: the two specialists by day, the one who does both late, so a
# customer can have someone in the evening
BRANCH_HOURS = ((time(8, 30), time(17, 30)), (time(8, 30), time(17, 30)), (time(12), time(20, 30)))
ZONE = ZoneInfo("Asia/Shanghai")
FIRST_HOUR, LAST_START_HOUR = 9, 18  # two-hour windows from 09:00, the last 18:00–20:00
BY_TEXT = 7  # in ten roster visits made or missed by the customer, reported by text
CONTRACTOR = ("外协工程师 马师傅", "139 2001 3399")
ON_SITE = ("broadband.", "network.coverage.")
STREETS = ("中山路101号", "人民北路233号", "解放路18号", "建设大道66号")
OUTCOMES = (  # status, missed by, what came of it, weight
    (AppointmentStatus.DONE, "", "已上门处理，恢复正常", 90),
    (AppointmentStatus.MISSED, "customer", "客户不在家，电话未接通", 6),
    (AppointmentStatus.MISSED, "engineer", "工程师临时被调往抢修，未能按约上门", 4),
)
COLUMNS = (
    "id",
    "order_id",
    "status",
    "starts_at",
    "ends_at",
    "address",
    "engineer_id",
    "engineer",
    "engineer_phone",
    "note",
    "texted",
    "booked_by_id",
    "booked_at",
    "closed_by_id",
    "closed_at",
    "missed_by",
    "outcome_note",
)
Engineer = tuple[int | None, str, str]  # roster id (None: named by hand), name, phone


def roster(connection: Connection) -> dict[int, list[Engineer]]:
    """Each branch's engineers, the roster written first if the center has none."""
    rows = connection.execute(
        select(FieldEngineer.org_unit_id, FieldEngineer.id, FieldEngineer.name, FieldEngineer.phone)
        .where(FieldEngineer.active)
        .order_by(FieldEngineer.id)
    ).all()
    if not rows:
        branches = select(OrgUnit.id).where(OrgUnit.level == OrgLevel.CITY).order_by(OrgUnit.id)
        _write_roster(connection, list(connection.scalars(branches)))
        return roster(connection)
    found: dict[int, list[Engineer]] = {}
    for unit_id, engineer_id, name, phone in rows:
        found.setdefault(unit_id, []).append((engineer_id, name, phone))
    return found


def _write_roster(connection: Connection, unit_ids: list[int]) -> None:
    for position, unit_id in enumerate(unit_ids):
        for n in range(PER_BRANCH):
            number = position * PER_BRANCH + n
            engineer = {
                "name": ENGINEER_NAMES[number % len(ENGINEER_NAMES)],
                "phone": f"139 2001 {3301 + number:04d}",
                "org_unit_id": unit_id,
                "active": True,
                "skills": BRANCH_SKILLS[n % len(BRANCH_SKILLS)],
                "work_start": BRANCH_HOURS[n % len(BRANCH_HOURS)][0],
                "work_end": BRANCH_HOURS[n % len(BRANCH_HOURS)][1],
                "version": 1,
            }
            connection.execute(insert(FieldEngineer), engineer)


@dataclass
class VisitDesk:
    """The branches' engineers, the windows each is booked for, and the visits' own
    random stream and ids."""

    rng: random.Random
    engineers: dict[int, list[Engineer]]
    skills: dict[int, str] = field(default_factory=dict)  # engineer id → what they do
    hours: dict[int, tuple[time | None, time | None]] = field(default_factory=dict)
    next_id: int = 1
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    taken: set[tuple[int, datetime]] = field(default_factory=set)

    @classmethod
    def of(cls, seed: int, connection: Connection) -> VisitDesk:
        engineers = roster(connection)
        skills = dict(connection.execute(select(FieldEngineer.id, FieldEngineer.skills)).all())
        hours = {
            engineer_id: (start, end)
            for engineer_id, start, end in connection.execute(
                select(FieldEngineer.id, FieldEngineer.work_start, FieldEngineer.work_end)
            )
        }
        return cls(random.Random(seed + 79), engineers, skills, hours)

    def book(self, unit_id: int, starts: datetime, ends: datetime, code: str) -> Engineer:
        """A roster engineer working and free for the window (each window taken is
        kept), one who does the kind of work of the category ``code`` first, else a
        contractor named by hand."""
        needed = (
            EngineerSkill.BROADBAND if code.startswith("broadband.") else EngineerSkill.COVERAGE
        )
        working = [e for e in self.engineers.get(unit_id, []) if self._works(e, starts, ends)]
        fitting = sorted(working, key=lambda e: not self._does(e, needed))
        for engineer in fitting:
            engineer_id = engineer[0]
            assert engineer_id is not None
            if not any((engineer_id, hour) in self.taken for hour in _hours(starts, ends)):
                self.taken.update((engineer_id, hour) for hour in _hours(starts, ends))
                return engineer
        return (None, *CONTRACTOR)

    def _does(self, engineer: Engineer, needed: EngineerSkill) -> bool:
        """The engineer does that kind of work (one with no skills listed does all)."""
        listed = self.skills.get(engineer[0] or 0, "")
        return not listed or needed.value in listed.split(",")

    def _works(self, engineer: Engineer, starts: datetime, ends: datetime) -> bool:
        """The window is within the engineer's working hours (any is, with none set)."""
        hours = self.hours.get(engineer[0] or 0, (None, None))
        return within_hours(hours, starts.astimezone(ZONE).time(), ends.astimezone(ZONE).time())

    def taken_rows(self) -> list[tuple[Any, ...]]:
        """The visits written since last taken (a day's, for one batch)."""
        rows, self.rows = self.rows, []
        return rows


def _hours(starts: datetime, ends: datetime) -> list[datetime]:
    """The hours a window covers (windows start on the hour)."""
    count = max(1, int((ends - starts).total_seconds() // 3600))
    return [starts + timedelta(hours=n) for n in range(count)]


def site_visit_steps(
    desk: VisitDesk, order: Handled, path: list[str], times: list[datetime]
) -> list[tuple[Any, ...]]:
    """The visit of an answered on-site order, if its handling left room for one: its row
    kept on the desk, its two timeline steps returned."""
    on_site = order.code.startswith(ON_SITE)
    if not on_site or order.order_type not in (OrderType.FAULT, OrderType.COMPLAINT):
        return []
    if "in_progress" not in path or "replied" not in path:
        return []
    began, answered = times[path.index("in_progress")], times[path.index("replied")]
    starts = _in_working_hours((began + timedelta(hours=2)).replace(minute=0, second=0))
    ends = starts + timedelta(hours=2)
    if ends + timedelta(minutes=30) > answered:
        return []  # answered too soon after: mended remotely
    rng = desk.rng
    status, missed_by, note, _ = rng.choices(OUTCOMES, [o[3] for o in OUTCOMES])[0]
    engineer_id, name, phone = desk.book(order.unit_id, starts, ends, order.code)
    booked_at = began + timedelta(minutes=rng.randint(10, 40))
    closed_at = ends + timedelta(minutes=rng.randint(5, 25))
    visit_id, desk.next_id = desk.next_id, desk.next_id + 1
    # most roster engineers report from the doorstep by text (装维回单); the rest, and
    # every visit an engineer missed, are closed by the handler (no draw: the rest of
    # the demo stays as it was)
    by_text = engineer_id is not None and missed_by != "engineer" and visit_id % 10 < BY_TEXT
    if by_text:
        note = f"工程师{name}短信回单：{note}"
    closer = None if by_text else order.handler
    if not by_text and visit_id % 3:  # most waited for someone at a desk (回单不及时)
        late = closed_at + timedelta(hours=1 + visit_id % 4)
        closed_at = max(closed_at, min(late, answered - timedelta(minutes=1)))
    room = f"{rng.randint(2, 30)}0{rng.randint(1, 6)}室"
    desk.rows.append(
        (
            visit_id,
            order.order_id,
            status.value,
            _utc(starts),
            _utc(ends),
            f"广东省{rng.choice(STREETS)}{room}",
            engineer_id,
            name,
            phone,
            "",
            True,
            order.handler,
            _utc(booked_at),
            closer,
            _utc(closed_at),
            missed_by,
            note,
        )
    )
    booked = {
        "appointment": visit_id,
        "booked": True,
        "starts_at": _utc(starts).isoformat(),
        "ends_at": _utc(ends).isoformat(),
        "engineer": name,
        "moved": False,
        "texted": True,
    }
    closed = {"appointment": visit_id, "outcome": status.value, "missed_by": missed_by}
    if by_text:
        closed["engineer_report"] = name
    return [
        _step(order, booked_at, "", booked, order.handler),
        _step(order, closed_at, note, closed, closer),
    ]


def _in_working_hours(starts: datetime) -> datetime:
    """Engineers come between 09:00 and 20:00 (center time): a window that would start
    earlier starts at 09:00, one that would end later the next morning."""
    local = starts.astimezone(ZONE).replace(microsecond=0)
    if local.hour < FIRST_HOUR:
        return local.replace(hour=FIRST_HOUR)
    if local.hour > LAST_START_HOUR:
        return (local + timedelta(days=1)).replace(hour=FIRST_HOUR)
    return local


def _step(
    order: Handled, at: datetime, reason: str, details: dict[str, Any], by: int | None
) -> tuple[Any, ...]:
    said = json.dumps(details, ensure_ascii=False)
    kind = EventKind.APPOINTMENT.value
    return (order.order_id, kind, "", "", "", by, _utc(at), reason, said)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
