"""The customer 360 page lists the customer's recent contacts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.contact.defaults import ensure_default_wrap_up_codes
from kefu.contact.enums import ContactChannel, EndReason, InteractionStatus
from kefu.contact.service import open_interaction
from kefu.core.idnumber import check_digit
from kefu.core.rbac import Role


def test_the_360_page_lists_recent_contacts(client, db: Session) -> None:
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613800138000")
    ensure_default_wrap_up_codes(db)
    call = open_interaction(
        db,
        channel=ContactChannel.VOICE,
        status=InteractionStatus.ENDED,
        address="+8613800138000",
        customer_id=customer.id,
    )
    call.end_reason, call.wrap_up_code = EndReason.COMPLETED, "complaint.new"
    sms = open_interaction(
        db,
        channel=ContactChannel.SMS,
        status=InteractionStatus.OPEN,
        address="+8613800138000",
        customer_id=customer.id,
        body="查话费\n\n为什么这个月\t多扣了 20 元" + "？" * 100,
    )
    db.commit()

    page = client.get(f"/customers/{customer.id}", headers=bearer(db, make_staff(db, org.city)))
    assert page.status_code == 200
    listed = page.text.split("近期接触", 1)[1]
    assert "人工来电" in listed and "新投诉已建单" in listed and "人工服务" in listed
    assert f'href="/messages/{sms.id}"' in listed  # a message opens in the inbox
    # … and is told by the start of its text, on one line (an SMS has no subject)
    assert "查话费 为什么这个月 多扣了 20 元？" in listed and "？" * 80 not in listed
    assert "138****8000" in listed and "13800138000" not in listed  # masked for an agent
    assert "暂无接触记录" not in listed


def test_the_360_page_says_a_customer_speaks_english(client, db: Session) -> None:
    org = make_org(db)
    english = make_customer(db, org.city, "+8613800138000", name="SMITH JOHN", language="en")
    chinese = make_customer(db, org.city, "+8613900139000")
    db.commit()
    agent = bearer(db, make_staff(db, org.city))
    page = client.get(f"/customers/{english.id}", headers=agent).text
    assert '<span class="chip blue" lang="en">讲英语</span>' in page
    assert '<dd lang="en">English</dd>' in page
    assert "讲英语" not in client.get(f"/customers/{chinese.id}", headers=agent).text


def test_the_edit_form_masks_what_the_editor_may_not_see_and_is_for_writers_only(
    client, db: Session
) -> None:
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613800138000", name="张伟")
    customer.email, customer.do_not_call = "zhang.wei@example.cn", True
    db.commit()
    url = f"/customers/{customer.id}/edit"
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    form = client.get(url, headers=manager).text
    assert 'value="张伟" data-initial="张伟"' in form  # may see personal data: filled in
    assert 'value="zhang.wei@example.cn"' in form
    assert 'name="do_not_call" data-initial="on" checked' in form
    assert f'data-version="{customer.version}"' in form
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))  # sees them masked
    form = client.get(url, headers=supervisor).text
    assert 'data-initial="" placeholder="张**"' in form and "张伟" not in form
    assert "zhang.wei@example.cn" not in form and "脱敏字段留空即保持不变" in form
    # Only a writer has the form, and the 360's link to it; out of scope, neither.
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    refused = client.get(url, headers=agent, follow_redirects=False)
    assert (refused.status_code, refused.headers["location"]) == (303, "/customers")
    assert f'href="{url}"' not in client.get(f"/customers/{customer.id}", headers=agent).text
    assert f'href="{url}"' in client.get(f"/customers/{customer.id}", headers=manager).text
    elsewhere = bearer(db, make_staff(db, org.other_city, Role.ACCOUNT_MANAGER))
    away = client.get(url, headers=elsewhere, follow_redirects=False)
    assert (away.status_code, away.headers["location"]) == (303, f"/customers/{customer.id}")


def test_the_edit_form_names_a_permanent_residence_cards_nationality(client, db: Session) -> None:
    org = make_org(db)
    first17 = "94427619800101357"  # a German's card
    customer = make_customer(db, org.city, "+8613800138000", name="MUELLER ANNA")
    customer.id_number, customer.id_kind = first17 + check_digit(first17), "foreign_permanent"
    customer.id_country = "DE"
    db.commit()
    manager = bearer(db, make_staff(db, org.city, Role.ACCOUNT_MANAGER))
    form = client.get(f"/customers/{customer.id}/edit", headers=manager).text
    assert "国籍（从证件号码读出）：德国" in form
