"""The demo's order texts read as the order's type and problem: a request is not written
up as a complaint, a signal problem names no amount of money, and each answer is its
category's unified reply with every blank filled."""

from __future__ import annotations

import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from kefu.demo.complaint_text import MONEY, PHRASES, complaint_text
from kefu.demo.orders import TYPES_FOR, types_for
from kefu.demo.reply_text import demo_reply
from kefu.workorders.enums import OrderType
from kefu.workorders.taxonomy_replies import DEFAULT_REPLIES
from kefu.workorders.taxonomy_replies_en import ENGLISH_REPLIES


def test_each_type_speaks_its_own_words() -> None:
    rng = random.Random(7)
    for code in sorted(PHRASES):
        for kind in types_for(code):
            for _ in range(60):
                subject, body = complaint_text(rng, code, kind.value)
                assert subject and body
                if kind is not OrderType.COMPLAINT:
                    assert "投诉" not in body and "情绪" not in body, (code, kind, body)
                if code.split(".")[0] not in MONEY:
                    assert "元。" not in body and "退还费用" not in body, (code, body)


def test_every_shipped_problem_has_the_types_it_comes_as() -> None:
    assert types_for("vas.sp.unconsented") == (OrderType.COMPLAINT,)
    assert OrderType.SERVICE_REQUEST in types_for("number.status.suspend")
    assert OrderType.COMPLAINT not in types_for("number.status.suspend")
    assert types_for("unknown.branch.leaf") == tuple(OrderType)  # a center's own tree
    covered = {kind for code in PHRASES for kind in types_for(code)}
    assert covered == set(OrderType)
    assert all(code.split(".")[0] in {c.split(".")[0] for c in PHRASES} for code in TYPES_FOR)


def test_every_shipped_reply_is_answered_in_full() -> None:
    rng = random.Random(3)
    replied = datetime(2026, 11, 27, 16, 47, tzinfo=ZoneInfo("Asia/Shanghai"))
    for code, shipped in DEFAULT_REPLIES.items():
        for _ in range(len(shipped) * 8):
            answer = demo_reply(
                rng,
                code,
                number="WO20261127-000042",
                name="何丹",
                replied=replied,
                due=None,
                amount=30,
            )
            assert "{" not in answer and "}" not in answer, (code, answer)
            if any("{amount}" in body or "{refund}" in body for _, body in shipped):
                continue
            assert "30元" not in answer  # a sum only where the reply speaks of one
    roaming = demo_reply(
        rng,
        "billing.dispute.roaming",
        number="WO1",
        name="何丹",
        replied=replied,
        due=None,
        amount=120,
    )
    assert "费用120元" in roaming and "11月27日" in roaming and "何丹" in roaming
    assert demo_reply(
        rng, "own.tree.leaf", number="WO1", name="", replied=replied, due=None, amount=8
    )


def test_a_customer_who_speaks_english_is_answered_in_english_in_full() -> None:
    rng = random.Random(5)
    replied = datetime(2026, 11, 27, 16, 47, tzinfo=ZoneInfo("Asia/Shanghai"))
    for code, shipped in ENGLISH_REPLIES.items():
        for _ in range(len(shipped) * 8):
            answer = demo_reply(
                rng,
                code,
                number="WO20261127-000042",
                name="SMITH JOHN",
                replied=replied,
                due=None,
                amount=30,
                language="en",
            )
            assert "{" not in answer and "}" not in answer, (code, answer)
            assert not re.search(r"[\u4e00-\u9fff]", answer), (code, answer)
    assert "Your report" in demo_reply(
        rng,
        "own.tree.leaf",
        number="WO1",
        name="",
        replied=replied,
        due=None,
        amount=8,
        language="en",
    )
