"""Every message a user can see has a Chinese translation."""

from __future__ import annotations

import re
from importlib import resources

from kefu.core.error_messages import ERROR_MESSAGES
from kefu.core.i18n import _zh_catalog, negotiate

# A literal message, not a label-id prefix joined to a value (_("order_status." ~ x)).
TEMPLATE_STRING = re.compile(r"""_\((?:"([^"]+)"|'([^']+)')(?!\s*~)""")


def test_every_error_message_is_translated() -> None:
    catalog = _zh_catalog()
    assert [code for code, text in ERROR_MESSAGES.items() if text not in catalog] == []


def test_every_console_string_is_translated() -> None:
    catalog = _zh_catalog()
    templates = resources.files("kefu").joinpath("console/templates")
    missing = []
    for path in templates.rglob("*.html"):  # type: ignore[attr-defined]
        for double, single in TEMPLATE_STRING.findall(path.read_text(encoding="utf-8")):
            message = double or single
            if message not in catalog:
                missing.append(f"{path.name}: {message}")
    assert missing == []


def test_every_label_id_has_both_languages() -> None:
    from kefu.core.i18n import ENGLISH_LABELS
    from kefu.workorders.enums import (
        Action,
        Channel,
        EngineerSkill,
        OrderStatus,
        OrderType,
        Triage,
        VisitOutcome,
    )

    catalog = _zh_catalog()
    ids = [
        f"{prefix}.{member.value}"
        for prefix, enum in [
            ("order_status", OrderStatus),
            ("order_action", Action),
            ("order_type", OrderType),
            ("channel", Channel),
            ("triage", Triage),
            ("outcome", VisitOutcome),
            ("engineer_skill", EngineerSkill),
        ]
        for member in enum
    ]
    assert [i for i in ids if i not in catalog or i not in ENGLISH_LABELS] == []


def test_accept_language_negotiation() -> None:
    assert negotiate("en-US,en;q=0.9,zh;q=0.5") == "en"
    assert negotiate("zh-CN,zh;q=0.9,en;q=0.8", "en") == "zh-CN"
    assert negotiate("fr-FR", "zh-CN") == "zh-CN"
    assert negotiate(None, "en") == "en"


def test_the_parts_of_a_day_say_the_hours_a_customers_move_books() -> None:
    # a customer picking 下午（14:00–18:00） is moved to 14:00–18:00, not another window
    from kefu.core.i18n import gettext
    from kefu.workorders.self_moves import PART_HOURS

    for part, (starts, ends) in PART_HOURS.items():
        hours = f"{starts.hour}:00–{ends.hour}:00"
        for language in ("zh-CN", "en"):
            assert hours in gettext(language, f"part_of_day.{part.value}"), (part, language)
