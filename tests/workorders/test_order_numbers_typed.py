"""An order found by its number as staff type it or a caller reads it out: the header's
lookup, the order page's links to the complaints an order repeats."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff
from kefu.core.rbac import Role
from kefu.workorders.numbering import order_number_among, order_number_in

FULL_WIDTH = str.maketrans(
    "0123456789WOwo-", "０１２３４５６７８９ＷＯｗｏ－"
)  # what a Chinese input method in full-width mode types


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    sequence=st.integers(min_value=1, max_value=999_999_999),
    lower=st.booleans(),
    padded=st.booleans(),
    wide=st.booleans(),
    spaces=st.lists(st.integers(min_value=0, max_value=17), max_size=3),
)
def test_a_typed_number_is_read_as_stored(
    day: date, sequence: int, lower: bool, padded: bool, wide: bool, spaces: list[int]
) -> None:
    stored = f"WO{day:%Y%m%d}-{sequence:06d}"
    typed = f"WO{day:%Y%m%d}-{sequence:06d}" if padded else f"WO{day:%Y%m%d}-{sequence}"
    typed = typed.lower() if lower else typed
    typed = typed.translate(FULL_WIDTH) if wide else typed
    for at in sorted(spaces, reverse=True):
        typed = f"{typed[:at]} {typed[at:]}"
    assert order_number_in(typed) == stored


@given(st.text(max_size=40))
def test_anything_else_is_not_a_number(text: str) -> None:
    found = order_number_in(text)
    assert found is None or order_number_in(found) == found  # a number reads as itself


def test_not_numbers() -> None:
    for text in ["", "13800138000", "WO2026112-000001", "WO20261122-", "INC20261122-000001"]:
        assert order_number_in(text) is None


def test_the_header_lookup_and_the_repeat_links_open_the_order(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    first = complain(client, agent, cats.unknown_charge.id)
    second = complain(client, agent, cats.unknown_charge.id)
    day, sequence = first["number"][2:].split("-")

    typed = f"wo{day}-{int(sequence)}"
    found = client.get(
        "/customers/lookup", params={"phone": typed}, headers=agent, follow_redirects=False
    )
    assert (found.status_code, found.headers["location"]) == (
        303,
        f"/orders/number/{first['number']}",
    )
    searched = client.get("/customers", params={"q": typed}, headers=agent, follow_redirects=False)
    assert searched.headers["location"] == found.headers["location"]  # the search box too
    opened = client.get(found.headers["location"], headers=agent, follow_redirects=False)
    assert (opened.status_code, opened.headers["location"]) == (303, f"/orders/{first['id']}")

    page = client.get(f"/orders/{second['id']}", headers=agent)
    assert f'href="/orders/number/{first["number"]}"' in page.text  # in the hero and timeline

    # another branch's agent, a number never given, not a number: the same answer
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    for number in [first["number"], "WO20991231-000001", "no-such-thing"]:
        hidden = client.get(f"/orders/number/{number}", headers=elsewhere, follow_redirects=False)
        assert hidden.status_code == 404 and "工单不存在。" in hidden.text
        assert "<h1>查找工单</h1>" in hidden.text  # not under the heading 客户


def test_an_order_number_among_a_texts_other_words() -> None:
    """A text names its order anywhere among its words (GY, the return visit's 1 2 3)."""
    assert order_number_among("gy wo20261206 - 123 12月9日下午") == "WO20261206-000123"
    assert order_number_among("2 满意 WO20261206-000007") == "WO20261206-000007"
    assert order_number_among("12月9日下午 13800138000") is None
