"""The application factory: one FastAPI app serving the API and the console."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker

from kefu import __version__
from kefu.analytics.alert_routes import router as alert_router
from kefu.analytics.bulletin_routes import router as bulletin_router
from kefu.analytics.churn_routes import router as churn_router
from kefu.analytics.kpi_routes import router as kpi_router
from kefu.analytics.routes import router as analytics_router
from kefu.analytics.text_routes import router as text_router
from kefu.analytics.value_routes import router as value_router
from kefu.config import Settings, get_settings
from kefu.console.analysis import router as console_analysis_router
from kefu.console.calls import router as console_calls_router
from kefu.console.customers import router as console_customers_router
from kefu.console.engineers import router as console_engineers_router
from kefu.console.ivr import router as console_ivr_router
from kefu.console.library import router as console_library_router
from kefu.console.messages import router as console_messages_router
from kefu.console.notices import router as console_notices_router
from kefu.console.orders import router as console_orders_router
from kefu.console.policies import router as console_policies_router
from kefu.console.routes import router as console_router
from kefu.console.selfcare import router as console_selfcare_router
from kefu.console.taxonomy import router as console_taxonomy_router
from kefu.contact.message_routes import INTAKE_PATHS
from kefu.contact.message_routes import router as messages_router
from kefu.contact.order_answers import answer_order_in_thread, move_messages
from kefu.contact.routes import router as contact_router
from kefu.contact.sms_return_visits import invite_by_text
from kefu.core import heap
from kefu.core.admission import Admission
from kefu.core.db import make_engine, make_sessionmaker
from kefu.core.errors_http import install_error_handlers
from kefu.core.headers import SecurityHeaders
from kefu.core.limits import RequestGuard
from kefu.core.security import SessionSigner
from kefu.customers.routes import router as customers_router
from kefu.customers.view import (
    register_flags,
    register_interactions,
    register_notices,
    register_satisfaction,
    register_work_items,
)
from kefu.ivr.journeys import recent_with_journeys
from kefu.ivr.routes import router as ivr_router
from kefu.knowledge import segment
from kefu.knowledge.routes import router as knowledge_router
from kefu.notices.routes import router as notices_router
from kefu.notices.service import notice_briefs
from kefu.org.audit_routes import router as audit_router
from kefu.org.callers import Callers
from kefu.org.routes import SIGN_IN_PATH
from kefu.org.routes import router as org_router
from kefu.routing.live import run_clock
from kefu.routing.routes import router as acd_router
from kefu.selfcare.routes import UPLOAD_PATHS as SELF_UPLOADS
from kefu.selfcare.routes import router as selfcare_router
from kefu.surveys.customer_marks import survey_marks
from kefu.surveys.routes import router as surveys_router
from kefu.workorders.appointment_routes import router as appointment_router
from kefu.workorders.assist_routes import router as assist_router
from kefu.workorders.attachment_routes import UPLOAD_OVERHEAD_BYTES
from kefu.workorders.attachment_routes import UPLOAD_PATHS as ORDER_UPLOADS
from kefu.workorders.attachment_routes import router as attachment_router
from kefu.workorders.calendar_routes import router as calendar_router
from kefu.workorders.category_routes import router as categories_router
from kefu.workorders.customer_satisfaction import return_visit_marks
from kefu.workorders.engineer_routes import router as engineers_router
from kefu.workorders.incident_compensation_routes import router as compensation_router
from kefu.workorders.incident_routes import router as incidents_router
from kefu.workorders.progress_routes import router as progress_router
from kefu.workorders.queue_routes import router as queue_router
from kefu.workorders.refund_routes import router as refund_router
from kefu.workorders.return_visit_invites import register_inviter
from kefu.workorders.routes import INTAKE_CHECK_ENDING
from kefu.workorders.routes import router as workorders_router
from kefu.workorders.service_level_routes import router as service_levels_router
from kefu.workorders.supervise_routes import router as supervise_router
from kefu.workorders.threaded_answers import register_answer_threader, register_thread_mover
from kefu.workorders.views import customer_flags, open_items_for_customer


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start-up: the heap is settled, jieba's dictionary loads beside the server, and the
    ACD clock runs in every process (rows locked with SKIP LOCKED, so several processes
    ticking never take the same work)."""
    settings: Settings = app.state.settings
    if settings.settle_heap:
        heap.settle()  # the app is built: keep the collector off what start-up loaded
    segment.warm_up_in_background(then=heap.settle if settings.settle_heap else None)
    clock = None
    if settings.acd_tick_seconds > 0:
        clock = asyncio.create_task(
            run_clock(
                app.state.session_factory,
                interval=settings.acd_tick_seconds,
                ring_seconds=settings.acd_ring_seconds,
            )
        )
    yield
    if clock is not None:
        clock.cancel()


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    """Build the app; tests pass their own settings and session factory."""
    settings = settings or get_settings()
    settings.check_production_safety()
    if session_factory is None:
        engine = make_engine(
            settings.database_url, pool_size=settings.db_pool_size, echo=settings.sql_echo
        )
        session_factory = make_sessionmaker(engine)
    app = FastAPI(
        title="kefu",
        version=__version__,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.signer = SessionSigner(settings.secret_key, settings.session_max_age_seconds)
    app.state.callers = Callers()
    install_error_handlers(app)
    bind = session_factory.kw.get("bind")
    sqlite = bind is not None and bind.dialect.name == "sqlite"
    app.add_middleware(  # inside the guard: bodies are read before a place is taken
        Admission,
        requests=2 * settings.db_pool_size,  # the pool: its size plus as many overflow
        writes=settings.sqlite_write_slots if sqlite else settings.postgresql_write_slots,
        not_writes=frozenset({SIGN_IN_PATH}),
        not_write_endings=(INTAKE_CHECK_ENDING,),
    )
    app.add_middleware(
        RequestGuard,
        max_body_bytes=settings.max_body_bytes,
        default_language=settings.default_language,
        cleaning_paths=INTAKE_PATHS,
        upload_paths=re.compile(f"{ORDER_UPLOADS.pattern}|{SELF_UPLOADS.pattern}"),
        max_upload_bytes=settings.attachment_max_bytes + UPLOAD_OVERHEAD_BYTES,
    )
    app.add_middleware(SecurityHeaders)  # outermost: rejections get the headers too
    register_work_items(open_items_for_customer)
    register_flags(customer_flags)
    register_interactions(recent_with_journeys)
    register_satisfaction(return_visit_marks)
    register_satisfaction(survey_marks)
    register_notices(notice_briefs)
    register_answer_threader(answer_order_in_thread)
    register_inviter(invite_by_text)
    register_thread_mover(move_messages)
    # First of all routes: load balancers probe it every few seconds, and matched last it
    # was tried against every route of 42 routers first (0.58 ms a probe, 0.8 in all).
    app.get("/healthz", include_in_schema=False)(lambda: {"status": "ok"})
    for router in (
        org_router,
        customers_router,
        workorders_router,
        queue_router,
        attachment_router,
        appointment_router,
        engineers_router,
        refund_router,
        assist_router,
        progress_router,
        supervise_router,
        categories_router,
        incidents_router,
        compensation_router,
        calendar_router,
        service_levels_router,
        knowledge_router,
        notices_router,
        contact_router,
        messages_router,
        ivr_router,
        acd_router,
        kpi_router,
        churn_router,
        value_router,
        text_router,
        bulletin_router,
        alert_router,
        analytics_router,
        surveys_router,
        selfcare_router,
        audit_router,
        console_router,
        console_customers_router,
        console_taxonomy_router,  # before /orders/{order_id}
        console_policies_router,  # before /orders/{order_id}
        console_orders_router,
        console_library_router,
        console_calls_router,
        console_messages_router,
        console_ivr_router,
        console_analysis_router,
        console_selfcare_router,
        console_notices_router,
        console_engineers_router,
    ):
        app.include_router(router)
    static = resources.files("kefu").joinpath("console/static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def app_factory() -> FastAPI:
    """Entry point for ``uvicorn --factory kefu.app:app_factory``."""
    return create_app()
