"""The demo center generator: deterministic for a seed, bounded memory at any size.

Reference data (org tree, staff, packages, enterprises) goes through the ORM; the bulk
(customers, numbers, monthly spend) is written in batches with Core inserts on SQLite
and COPY on PostgreSQL, with ids assigned here so rows can refer to each other.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kefu.contact.defaults import ensure_default_intake_rules, ensure_default_wrap_up_codes
from kefu.core.clock import local_today, month_key
from kefu.core.db import make_sessionmaker
from kefu.core.rbac import Role
from kefu.core.security import hash_password
from kefu.customers.enums import (
    TIER_RANK,
    Brand,
    BusinessType,
    CustomerStatus,
    EnterpriseGrade,
    EnterpriseScale,
    Industry,
    Tier,
)
from kefu.customers.models import (
    ChannelAgent,
    Contract,
    Customer,
    Enterprise,
    EnterpriseContact,
    Package,
    TierRule,
)
from kefu.demo import reference as ref
from kefu.demo import subscribers
from kefu.demo.analysis import analyse
from kefu.demo.assists import generate_assists
from kefu.demo.bulk import Batch as _Batch
from kefu.demo.bulk import BulkWriter as _BulkWriter
from kefu.demo.days_off import generate_days_off
from kefu.demo.history import generate_call_history
from kefu.demo.identities import Identities
from kefu.demo.incidents import generate_incidents
from kefu.demo.knowledge import generate_library
from kefu.demo.messages import generate_messages
from kefu.demo.notices import generate_notices
from kefu.demo.order_messages import generate_order_messages
from kefu.demo.orders import generate_orders
from kefu.demo.payments import habit as payment_habit
from kefu.demo.payments import payments as payment_rows
from kefu.demo.progress_texts import generate_progress_texts
from kefu.demo.self_visits import generate_self_visits
from kefu.demo.subscribers import Context
from kefu.demo.supervision import generate_supervision
from kefu.demo.surveys import generate_surveys
from kefu.demo.visits import generate_visits
from kefu.demo.web_messages import generate_web_messages
from kefu.ivr.flows import ensure_default_flow
from kefu.org.enums import OrgLevel
from kefu.org.models import OrgUnit, Skill, Staff, StaffSkill, Team
from kefu.routing.defaults import ensure_default_break_reasons, ensure_default_queues
from kefu.surveys.defaults import ensure_ecsi_questionnaire
from kefu.workorders.taxonomy import ensure_default_categories

Progress = Callable[[str, int], None]


class GeneratorError(Exception):
    """The target database cannot take generated data."""


@dataclass(frozen=True)
class GenerateOptions:
    """Sizes of the demo center."""

    seed: int = 2026
    subscribers: int = 50_000
    enterprises: int = 200
    staff: int = 60
    cities: int = 5
    months: int = 12
    batch_size: int = 5_000
    orders: bool = True  # twelve months of work orders (about 4% of subscribers a month)
    articles: int = 300  # knowledge articles beside a guide and a script per category
    surveys: int = 2_000  # answered satisfaction questionnaires (hotline planted weak)
    history_weeks: int = 13  # past calls, about 4 a day per 100 subscribers (the churn
    # model's first cut-off, eight weeks back, looks at 30 days of contacts before it)


CALLS_PER_SUBSCRIBER_DAY = 0.04  # a hotline hears from a subscriber every month or so


@dataclass
class GenerateResult:
    """Rows written per table and numbers to try a lookup with."""

    counts: dict[str, int] = field(default_factory=dict)
    sample_numbers: list[str] = field(default_factory=list)


def generate(
    engine: Engine, options: GenerateOptions, progress: Progress | None = None
) -> GenerateResult:
    """Fill an empty, migrated database with a demo center."""
    factory = make_sessionmaker(engine)
    result = GenerateResult()
    with factory() as session, session.begin():
        if session.scalar(select(func.count()).select_from(Customer)):
            raise GeneratorError("the database already holds customers; use an empty database")
        context = _reference(session, options, result)
    report = progress or (lambda _stage, _n: None)
    _customers(engine, context, options, result, report)
    if options.orders:
        result.counts["work_orders"] = generate_orders(
            engine,
            seed=options.seed,
            subscribers=options.subscribers,
            months=options.months,
            today=context.today,
        )
        report("work orders", result.counts["work_orders"])
        result.counts["order_messages"] = generate_order_messages(engine, seed=options.seed)
        result.counts["incident_orders"] = generate_incidents(engine)
        result.counts["on_site_visits"] = generate_visits(engine, seed=options.seed)
        result.counts["engineer_days_off"] = generate_days_off(engine)
        result.counts["self_given_return_visits"] = generate_self_visits(engine, seed=options.seed)
        result.counts["messages"] = generate_messages(engine)
        result.counts["web_messages"] = generate_web_messages(engine)
        result.counts["customers_told_of_planned_work"] = generate_notices(engine)
    # the network centre is made in any case: its engineer is one of the demo's logins
    result.counts["network_centre_asks"] = generate_assists(engine, seed=options.seed)
    if options.orders:
        result.counts["progress_texts"] = generate_progress_texts(engine, seed=options.seed)
        result.counts["supervised_orders"] = generate_supervision(engine, seed=options.seed)
    if options.history_weeks:
        result.counts["past_calls"] = generate_call_history(
            engine,
            seed=options.seed,
            today=context.today,
            weeks=options.history_weeks,
            calls_per_day=options.subscribers * CALLS_PER_SUBSCRIBER_DAY,
            timezone="Asia/Shanghai",
        )
        report("past calls", result.counts["past_calls"])
    result.counts.update(
        analyse(
            engine,
            seed=options.seed,
            today=context.today,
            orders=options.orders,
            history=bool(options.history_weeks),
            progress=report,
        )
    )
    if options.surveys:
        result.counts["survey_responses"] = generate_surveys(
            engine, seed=options.seed, count=options.surveys
        )
        report("survey responses", result.counts["survey_responses"])
    if options.articles:
        result.counts["kb_articles"] = generate_library(
            engine, seed=options.seed, topic_articles=options.articles
        )
        report("knowledge articles", result.counts["kb_articles"])
    return result


def _reference(session: Session, options: GenerateOptions, result: GenerateResult) -> Context:
    rng = random.Random(options.seed)
    fake = Faker("zh_CN")
    fake.seed_instance(options.seed)
    cities = _org(session, options)
    ensure_default_categories(session)
    _skills(session)  # before the queues, which name the skills they need
    ensure_default_queues(session)
    ensure_default_break_reasons(session)
    ensure_default_wrap_up_codes(session)
    ensure_default_intake_rules(session)
    ensure_default_flow(session)
    ensure_ecsi_questionnaire(session)
    staff = _staff(session, rng, fake, cities, options.staff)
    packages = _packages(session)
    agents = _channel_agents(session, rng, fake, cities)
    managers = _managers_by_branch(staff)
    enterprises = _enterprises(session, rng, fake, cities, managers, staff, agents, options)
    rules = sorted(
        (
            (Tier(r.tier), r.min_avg_monthly_spend_fen, r.min_tenure_months)
            for r in session.scalars(select(TierRule))
        ),
        key=lambda rule: TIER_RANK[rule[0]],
        reverse=True,
    )
    result.counts.update(org_units=len(cities) + 2, staff=len(staff), enterprises=len(enterprises))
    return Context(
        rng=rng,
        fake=fake,
        today=local_today(),
        cities=cities,
        packages=packages,
        managers=managers,
        enterprise_ids=[e.id for e in enterprises],
        rules=rules,
        names=[fake.name() for _ in range(6000)],
        streets=[f"{rng.choice(ref.ROADS)}{rng.randint(1, 999)}号" for _ in range(3000)],
        brand_counters={brand: 0 for brand in Brand},
        identities=Identities(options.seed),
    )


def _unit(
    session: Session,
    code: str,
    name: str,
    name_en: str,
    level: OrgLevel,
    parent: OrgUnit | None,
    region: str,
) -> OrgUnit:
    unit = OrgUnit(
        code=code,
        name=name,
        name_en=name_en,
        level=level,
        region_code=region,
        parent_id=parent.id if parent else None,
    )
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def _org(session: Session, options: GenerateOptions) -> list[OrgUnit]:
    hq = _unit(session, "HQ", "集团客服总部", "Headquarters", OrgLevel.HQ, None, "")
    code, name, name_en, region = ref.PROVINCE
    province = _unit(session, code, name, name_en, OrgLevel.PROVINCE, hq, region)
    cities = [
        _unit(session, *city[:3], OrgLevel.CITY, province, city[3])
        for city in ref.CITIES[: max(1, min(options.cities, len(ref.CITIES)))]
    ]
    for city in cities:
        for name, name_en in ref.TEAMS:
            session.add(Team(name=name, name_en=name_en, org_unit_id=city.id))
    session.flush()
    return [province, *cities]


def _skills(session: Session) -> None:
    session.add_all([Skill(code=c, name=n, name_en=e) for c, n, e in ref.SKILLS])
    session.flush()


def _managers_by_branch(staff: list[Staff]) -> dict[int, list[int]]:
    """The account managers of each branch: a big customer is looked after in its own
    branch, where its orders are handled (none where the branch has no manager)."""
    found: dict[int, list[int]] = {}
    for member in staff:
        if member.role == Role.ACCOUNT_MANAGER:
            found.setdefault(member.org_unit_id, []).append(member.id)
    return found


def _staff(
    session: Session, rng: random.Random, fake: Faker, units: list[OrgUnit], size: int
) -> list[Staff]:
    province, cities = units[0], units[1:]
    demo_hash = hash_password(ref.DEMO_PASSWORD)
    teams = {t.org_unit_id: t.id for t in session.scalars(select(Team).order_by(Team.id.desc()))}
    staff = [
        Staff(
            username=username,
            display_name=name,
            role=role,
            password_hash=demo_hash,
            org_unit_id=(province if where == "province" else cities[0]).id,
            team_id=None if where == "province" else teams[cities[0].id],
            phone=f"+86139{20000000 + i:08d}",
            email=f"{username}@kefu.example.cn",
        )
        for i, (username, name, role, where) in enumerate(ref.DEMO_LOGINS)
    ]
    skills = list(session.scalars(select(Skill)))
    for n in range(max(0, size - len(staff))):
        city = cities[n % len(cities)]
        staff.append(
            Staff(
                username=f"staff{n + 1:04d}",
                display_name=fake.name(),
                role=_role(rng),
                org_unit_id=city.id,
                team_id=teams[city.id],
                password_hash=None,
                phone=f"+86139{30000000 + n:08d}",
                email=f"staff{n + 1:04d}@kefu.example.cn",
                language="en" if rng.random() < 0.05 else "zh-CN",
            )
        )
    session.add_all(staff)
    session.flush()
    for member in staff:
        for skill in rng.sample(skills, rng.randint(1, 3)):
            session.add(StaffSkill(staff_id=member.id, skill_id=skill.id, level=rng.randint(1, 5)))
    _later_logins(session, cities[0], teams[cities[0].id], demo_hash, skills)
    session.flush()
    return staff


def _later_logins(
    session: Session, city: OrgUnit, team_id: int, password_hash: str, skills: list[Skill]
) -> None:
    """The logins added after the generated staff (``reference.LATER_LOGINS``): in the
    first city's team, with its first skills; not among the staff the rest of the demo
    draws from, so no draw changes."""
    for n, (username, name, role, _where) in enumerate(ref.LATER_LOGINS):
        member = Staff(
            username=username,
            display_name=name,
            role=role,
            password_hash=password_hash,
            org_unit_id=city.id,
            team_id=team_id,
            phone=f"+86139{29000000 + n:08d}",
            email=f"{username}@kefu.example.cn",
        )
        session.add(member)
        session.flush()
        for skill in skills[:2]:
            session.add(StaffSkill(staff_id=member.id, skill_id=skill.id, level=4))


def _role(rng: random.Random) -> Role:
    draw = rng.random()
    for role, share in ref.ROLE_SHARE:
        if draw < share:
            return role
        draw -= share
    return Role.AGENT


def _packages(session: Session) -> dict[Brand, list[Package]]:
    rows = [
        Package(code=c, name=n, name_en=e, brand=b, monthly_fee_fen=f)
        for c, n, e, b, f in ref.PACKAGES
    ]
    session.add_all(rows)
    session.flush()
    return {brand: [p for p in rows if p.brand == brand] for brand in Brand}


def _channel_agents(
    session: Session, rng: random.Random, fake: Faker, units: list[OrgUnit]
) -> list[ChannelAgent]:
    agents = [
        ChannelAgent(
            code=f"CA{n:03d}",
            name=f"{fake.company()}（代理商）",
            org_unit_id=rng.choice(units[1:]).id,
        )
        for n in range(1, 13)
    ]
    session.add_all(agents)
    session.flush()
    return agents


def _enterprises(
    session: Session,
    rng: random.Random,
    fake: Faker,
    units: list[OrgUnit],
    managers: dict[int, list[int]],
    staff: list[Staff],
    agents: list[ChannelAgent],
    options: GenerateOptions,
) -> list[Enterprise]:
    reps = [s.id for s in staff if s.role in (Role.ACCOUNT_MANAGER, Role.SUPERVISOR)]
    rows = []
    for n in range(options.enterprises):
        grade = rng.choices(list(EnterpriseGrade), weights=[1, 3, 6, 10])[0]
        unit = rng.choice(units[1:])
        rows.append(
            Enterprise(
                name=fake.company(),
                credit_code=_credit_code(rng, n),
                industry=rng.choice(list(Industry)),
                scale=rng.choice(list(EnterpriseScale)),
                grade=grade,
                business_type=rng.choice(list(BusinessType)),
                address=fake.address()[:120],
                org_unit_id=unit.id,
                account_manager_id=subscribers.local_manager(rng, managers, unit.id),
                sales_rep_id=rng.choice(reps) if reps else None,
                channel_agent_id=rng.choice(agents).id if rng.random() < 0.3 else None,
            )
        )
    session.add_all(rows)
    session.flush()
    for enterprise in rows:
        _contacts_and_contracts(session, rng, fake, enterprise)
    session.flush()
    return rows


def _credit_code(rng: random.Random, n: int) -> str:
    return f"91440{n:05d}{rng.randrange(10**8):08d}"


def _contacts_and_contracts(
    session: Session, rng: random.Random, fake: Faker, enterprise: Enterprise
) -> None:
    titles = ["总经理", "行政主管", "IT 经理", "财务经理", "采购专员"]
    for i in range(rng.randint(1, 4)):
        session.add(
            EnterpriseContact(
                enterprise_id=enterprise.id,
                name=fake.name(),
                title=rng.choice(titles),
                phone=f"+86137{rng.randrange(10**8):08d}",
                email=fake.company_email(),
                is_key=i == 0,
            )
        )
    for i in range(rng.randint(1, 2)):
        start = date(2021 + rng.randint(0, 4), rng.randint(1, 12), 1)
        session.add(
            Contract(
                enterprise_id=enterprise.id,
                number=f"HT{enterprise.id:05d}-{i + 1}",
                title=rng.choice(
                    ["集团V网服务协议", "互联网专线合同", "行业短信合同", "物联网连接合同"]
                ),
                starts_on=start,
                ends_on=start + timedelta(days=365 * rng.randint(1, 3)),
                value_fen=rng.randint(5, 500) * 100_000,
            )
        )


def _customers(
    engine: Engine,
    ctx: Context,
    options: GenerateOptions,
    result: GenerateResult,
    progress: Progress,
) -> None:
    writer = _BulkWriter(engine)
    customer_id, subscription_id = writer.next_ids()
    done = 0
    while done < options.subscribers:
        size = min(options.batch_size, options.subscribers - done)
        batch = _Batch()
        for _ in range(size):
            customer_id, subscription_id = _one_customer(
                ctx, options, batch, customer_id, subscription_id, result
            )
        writer.write(batch)
        done += size
        progress("subscribers", size)
    writer.finish()
    result.counts.update(
        customers=done,
        subscriptions=writer.counts["subscriptions"],
        monthly_spend=writer.counts["monthly_spend"],
        payments=writer.counts["payments"],
        tier_changes=writer.counts["tier_changes"],
    )


def _one_customer(
    ctx: Context,
    options: GenerateOptions,
    batch: _Batch,
    customer_id: int,
    subscription_id: int,
    result: GenerateResult,
) -> tuple[int, int]:
    rng = ctx.rng
    city = rng.choices(ctx.cities[1:], weights=[35, 30, 15, 12, 8, 6, 5, 4][: len(ctx.cities) - 1])[
        0
    ]
    since = ctx.today - timedelta(days=rng.randint(45, 20 * 365))
    brands = [subscribers.brand(rng)] + ([subscribers.brand(rng)] if rng.random() < 0.15 else [])
    status = rng.choices(list(CustomerStatus), weights=[97, 1.5, 1.5])[0]
    # Numbers cancelled before the demo's last two months; the churn windows plant the rest.
    if status == CustomerStatus.CANCELLED and (ctx.today - since).days < 100:
        status = CustomerStatus.ACTIVE  # too new to have left before the churn windows
    closed = (
        ctx.today - timedelta(days=rng.randint(70, min(400, (ctx.today - since).days - 30)))
        if status == CustomerStatus.CANCELLED
        else None
    )
    monthly_totals: dict[int, int] = {}
    for brand in brands:
        msisdn = subscribers.msisdn(ctx, brand)
        if len(result.sample_numbers) < 5 and city.id == ctx.cities[1].id and status == "active":
            result.sample_numbers.append(msisdn)
        pay = payment_habit(rng, brand)
        bills = [
            (month, amount)
            for month, amount in subscribers.spend(
                ctx, brand, since, options.months, pay.lapsed_months
            )
            if closed is None or month <= month_key(closed)
        ]
        paid, balance = payment_rows(rng, subscription_id, pay, bills, ctx.today, closed)
        batch.subscriptions.append(
            subscribers.subscription_row(
                ctx,
                subscription_id,
                customer_id,
                (msisdn, brand, since, closed, balance),
                [amount for _, amount in bills],
            )
        )
        batch.spend.extend((subscription_id, month, amount) for month, amount in bills)
        batch.payments.extend(paid)
        for month, amount in bills:
            monthly_totals[month] = monthly_totals.get(month, 0) + amount
        subscription_id += 1
    tier, changes = subscribers.tier_changes(ctx, customer_id, monthly_totals, since, closed)
    batch.tier_changes.extend(changes)
    batch.customers.append(subscribers.customer_row(ctx, customer_id, city, since, status, tier))
    return customer_id + 1, subscription_id
