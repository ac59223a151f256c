"""How a reply addresses the customer: surname and honorific, never the full name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kefu.customers.enums import Gender
from kefu.customers.models import Customer
from kefu.workorders.models import WorkOrder
from kefu.workorders.templates import fill_template, salutation


@pytest.mark.parametrize(
    ("name", "gender", "chinese", "english"),
    [
        ("张伟", Gender.MALE, "张先生", "customer"),  # no Latin spelling of 张 is guessed
        ("欧阳娜娜", Gender.FEMALE, "欧阳女士", "customer"),
        ("李娜", Gender.UNKNOWN, "李先生/女士", "customer"),
        ("SMITH JOHN", Gender.MALE, "Smith先生", "Mr Smith"),  # as a residence card prints it
        ("Mary Ann Lee", Gender.FEMALE, "Lee女士", "Ms Lee"),  # as people write it
        ("O'NEILL MARY", Gender.UNKNOWN, "O'Neill先生/女士", "Mr/Ms O'Neill"),
        ("", Gender.MALE, "客户", "customer"),
    ],
)
def test_a_customer_is_addressed_by_surname_and_honorific(name, gender, chinese, english) -> None:
    assert salutation(name, gender, english=False) == chinese
    assert salutation(name, gender, english=True) == english


def _order(contact_name: str) -> WorkOrder:
    return WorkOrder(
        number="WO20261206-000001",
        contact_name=contact_name,
        resolve_due_at=datetime(2026, 12, 9, 10, tzinfo=UTC),
    )


def test_the_reply_addresses_the_contact_the_agent_named_or_else_the_customer() -> None:
    customer = Customer(name="王芳", gender=Gender.FEMALE)
    body = "尊敬的{customer_name}：工单 {order_number} 将于{due}前答复。"
    filled = fill_template(body, order=_order(""), customer=customer)
    assert filled == "尊敬的王女士：工单 WO20261206-000001 将于12月09日18:00前答复。"
    # the agent named someone else calling for the customer: their sex is not known
    assert fill_template(body, order=_order("陈志强"), customer=customer).startswith(
        "尊敬的陈先生/女士："
    )
    # a name written with its honorific is kept as written
    assert fill_template(body, order=_order("刘小姐"), customer=None).startswith("尊敬的刘小姐：")
    english = fill_template(
        "Dear {customer_name}, due {due}.", order=_order(""), customer=None, language="en"
    )
    assert english == "Dear customer, due 09 Dec 18:00."
