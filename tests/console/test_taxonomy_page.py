"""The taxonomy page: agents read what is in use; admins also see, and edit, what is
retired."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_org, make_staff
from kefu.core.rbac import Role
from kefu.workorders.models import Category, ReplyTemplate


def test_readers_see_what_is_in_use_and_admins_everything(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    db.add(ReplyTemplate(category_id=cats.unknown_charge.id, title="核实后退费", body="已退还"))
    db.add(
        ReplyTemplate(category_id=cats.unknown_charge.id, title="旧模板", body="x", active=False)
    )
    coverage = db.get(Category, cats.indoor.parent_id)
    assert coverage is not None
    coverage.active = False  # a retired branch: 室内无信号 under it takes no orders
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    admin = bearer(db, make_staff(db, org.province, Role.ADMIN))
    db.commit()
    opened = {"id": cats.unknown_charge.id}

    read = client.get("/orders/categories", params=opened, headers=agent)
    assert read.status_code == 200
    assert "请客户说明扣费项目" in read.text and "核实后退费" in read.text
    assert "旧模板" not in read.text and "室内无信号" not in read.text
    assert 'id="category-form"' not in read.text and "template-new" not in read.text

    kept = client.get("/orders/categories", params=opened, headers=admin)
    assert 'id="category-form"' in kept.text and "旧模板" in kept.text
    assert 'class="level-3 retired"' in kept.text  # 室内无信号, under the retired branch
    assert "室内无信号" in kept.text

    first = client.get("/orders/categories", params={"id": 999_999}, headers=agent)
    assert first.status_code == 200 and "计费账务" in first.text  # the first in use
    assert client.get("/orders/categories", follow_redirects=False).status_code == 303


def test_agents_working_in_english_read_the_english_script(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    cats.unknown_charge.script_en = "Ask which charge is in question and its amount."
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    chinese = client.get("/orders/new", headers=agent).text
    assert 'data-script="请客户说明扣费项目"' in chinese
    client.cookies.set("kefu_lang", "en")  # the language switch's cookie
    english = client.get("/orders/new", headers=agent).text
    assert 'data-script="Ask which charge is in question and its amount."' in english
    assert 'data-script="请客户说明扣费项目"' not in english
    # Without an English script the Chinese one is shown, not nothing.
    cats.unknown_charge.script_en = ""
    db.commit()
    fallback = client.get("/orders/new", headers=agent).text
    assert 'data-script="请客户说明扣费项目"' in fallback


def test_the_tree_counts_each_categorys_replies_by_language(client, db: Session) -> None:
    """A leaf with one reply in each language offers one reply, not two."""
    import re

    org = make_org(db)
    cats = make_categories(db)
    for title, language in [("核实后退费", "zh-CN"), ("Refunded", "en"), ("旧", "zh-CN")]:
        db.add(
            ReplyTemplate(
                category_id=cats.unknown_charge.id,
                title=title,
                body="x",
                language=language,
                active=title != "旧",
            )
        )
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    page = client.get("/orders/categories", headers=agent).text
    counts = re.findall(r'<span class="count" title="([^"]+)">([^<]+)</span>', page)
    assert ("回复模板：中文 1 条，英文 1 条", "中 1 · 英 1") in counts
