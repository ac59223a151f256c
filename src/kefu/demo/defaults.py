"""What a new center starts with: loaded into empty tables after the migrations."""

from __future__ import annotations

from sqlalchemy import Engine

from kefu.contact.defaults import ensure_default_intake_rules, ensure_default_wrap_up_codes
from kefu.core.db import make_sessionmaker, unit_of_work
from kefu.ivr.flows import ensure_default_flow
from kefu.routing.defaults import ensure_default_break_reasons, ensure_default_queues
from kefu.surveys.defaults import ensure_ecsi_questionnaire
from kefu.workorders.shipped_content import complete_shipped_content
from kefu.workorders.taxonomy import ensure_default_categories


def load_defaults(engine: Engine) -> list[str]:
    """Load every shipped default that is missing; one line per thing loaded."""
    done = []
    with unit_of_work(make_sessionmaker(engine), write=True) as session:
        if added := ensure_default_categories(session):
            done.append(f"{added} default work-order categories loaded")
        elif given := complete_shipped_content(session):
            done.append(
                f"shipped call scripts given to {len(given.scripts)} categories, "
                f"reply templates to {len(given.replies)}"
            )
        if added := ensure_default_queues(session):
            done.append(f"{added} default queues loaded")
        if added := ensure_default_break_reasons(session):
            done.append(f"{added} default break reasons loaded")
        if added := ensure_default_wrap_up_codes(session):
            done.append(f"{added} default wrap-up codes loaded")
        if added := ensure_default_intake_rules(session):
            done.append(f"{added} default SMS and e-mail rules loaded")
        if ensure_ecsi_questionnaire(session):
            done.append("the satisfaction questionnaire loaded")
        if ensure_default_flow(session):
            done.append("the default hotline IVR flow published")
    return done
