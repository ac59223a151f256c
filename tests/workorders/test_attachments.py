"""A work order's attachments (附件): the evidence a customer sends (a bill's screenshot, a
contract, a voice memo) kept with the order. Taken by content, not by name; within the
center's limits; each upload, opening and withdrawal audited; a withdrawn file's content
erased while its record stays; only for those who may see the order."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff, png
from kefu.config import Settings
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.workorders.models import AttachmentContent, OrderAttachment

MAX_BYTES = 64 * 1024


@pytest.fixture(name="settings")
def small_limits() -> Settings:
    """The test settings with limits small enough to reach."""
    return Settings(
        demo_mode=True,
        database_url="sqlite://",
        acd_tick_seconds=0,
        settle_heap=False,
        attachment_max_bytes=MAX_BYTES,
        attachments_per_order=3,
    )


def workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["月份", "费用"])
    kept = io.BytesIO()
    book.save(kept)
    return kept.getvalue()


def archive(*names: str) -> bytes:
    kept = io.BytesIO()
    with zipfile.ZipFile(kept, "w") as made:
        for name in names:
            made.writestr(name, "<x/>")
    return kept.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _upload(client, order_id: int, headers: dict, name: str, content: bytes, note: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/work-orders/{order_id}/attachments",
        files={"file": (name, content, "application/octet-stream")},
        data={"note": note} if note else None,
        headers=headers,
    )


def _audited(db: Session, action: str, order_id: int) -> int:
    return db.scalar(
        select(func.count()).where(AuditLog.action == action, AuditLog.entity_id == str(order_id))
    )


def test_an_agent_keeps_a_screenshot_with_the_order(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id)
    image = png()

    path = "C:\\Users\\客户\\8月账单截图.PNG"
    sent = _upload(client, order["id"], agent, path, image, "客户提供")
    assert sent.status_code == 201, sent.text
    kept = sent.json()
    assert kept["file_name"] == "8月账单截图.png"  # the path dropped, the extension the kind's
    assert (kept["media_type"], kept["group"], kept["opens_in_browser"]) == (
        "image/png",
        "image",
        True,
    )
    assert kept["size_bytes"] == len(image) and kept["note"] == "客户提供"
    assert kept["uploaded_by"] and kept["withdrawn_at"] is None

    listed = client.get(f"/api/v1/work-orders/{order['id']}/attachments", headers=agent).json()
    assert [a["id"] for a in listed["items"]] == [kept["id"]]
    assert (listed["max_bytes"], listed["max_count"]) == (MAX_BYTES, 3)

    opened = client.get(kept["content_url"], params={"inline": "true"}, headers=agent)
    assert opened.status_code == 200 and opened.content == image
    assert opened.headers["content-type"] == "image/png"
    assert opened.headers["content-disposition"].startswith("inline; ")
    assert "filename*=UTF-8''8%E6%9C%88" in opened.headers["content-disposition"]
    assert "sandbox" in opened.headers["content-security-policy"]
    assert opened.headers["cache-control"] == "private, no-store"
    assert opened.headers["x-content-type-options"] == "nosniff"

    timeline = client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()
    step = timeline["events"][-1]
    assert step["kind"] == "attachment" and step["details"]["file_name"] == "8月账单截图.png"
    assert timeline["version"] == order["version"]  # the order itself did not change
    assert _audited(db, "order.attachment.add", order["id"]) == 1
    assert _audited(db, "order.attachment.open", order["id"]) == 1


def test_a_file_is_known_by_its_content_not_its_name(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id)
    zh = agent | {"Accept-Language": "zh-CN"}

    disguised = _upload(client, order["id"], zh, "bill.png", b"<html><script>alert(1)</script>")
    assert disguised.status_code == 422
    error = disguised.json()["error"]
    assert (error["code"], error["field"]) == ("attachment_kind_refused", "file")
    assert "不接受这种文件" in error["message"]
    any_archive = _upload(client, order["id"], agent, "photos.zip", archive("a.jpg"))
    assert any_archive.json()["error"]["code"] == "attachment_kind_refused"

    contract = _upload(client, order["id"], agent, "合同.png", PDF).json()
    assert (contract["file_name"], contract["media_type"]) == ("合同.pdf", "application/pdf")
    assert contract["opens_in_browser"] is False
    sheet = _upload(client, order["id"], agent, "话费明细", workbook()).json()
    assert sheet["file_name"] == "话费明细.xlsx" and sheet["group"] == "document"
    document = archive("[Content_Types].xml", "word/document.xml")
    letter = _upload(client, order["id"], agent, "情况说明.docx", document).json()
    assert letter["media_type"].endswith("wordprocessingml.document")

    # a PDF is always downloaded, even when asked to show it
    pdf = client.get(contract["content_url"], params={"inline": "true"}, headers=agent)
    assert pdf.headers["content-disposition"].startswith("attachment; ")


def test_limits_refuse_an_empty_a_large_and_one_file_too_many(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id)
    url = f"/api/v1/work-orders/{order['id']}/attachments"

    empty = _upload(client, order["id"], agent, "a.png", b"")
    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "attachment_empty")
    english = agent | {"Accept-Language": "en"}
    large = _upload(client, order["id"], english, "a.pdf", PDF + b" " * MAX_BYTES)
    assert large.status_code == 413
    assert large.json()["error"] == {
        "code": "attachment_too_large",
        "message": "The file is larger than 64 KB, the most an order takes.",
        "field": "file",
    }
    # far over the limit: refused before the body is read
    huge = _upload(client, order["id"], agent, "a.pdf", PDF + b" " * (MAX_BYTES * 3))
    assert (huge.status_code, huge.json()["error"]["code"]) == (413, "payload_too_large")

    for number in range(3):
        added = _upload(client, order["id"], agent, f"{number}.png", png(number + 1))
        assert added.status_code == 201
    fourth = _upload(client, order["id"], agent, "3.png", png())
    assert (fourth.status_code, fourth.json()["error"]["code"]) == (422, "attachment_limit")
    first = client.get(url, headers=agent).json()["items"][0]
    withdrawn = client.post(
        f"{url}/{first['id']}/withdraw", json={"reason": "传错了文件"}, headers=agent
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert _upload(client, order["id"], agent, "3.png", png()).status_code == 201


def test_text_sent_with_a_file_is_checked_but_its_bytes_are_binary(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id)
    image = png()
    assert b"\x00" in image  # the guard's NUL check would refuse it in any other body
    assert _upload(client, order["id"], agent, "a.png", image).status_code == 201
    bad_note = _upload(client, order["id"], agent, "b.png", image, note="截图\x00")
    assert bad_note.status_code == 422 and bad_note.json()["error"]["field"] == "note"
    long_note = _upload(client, order["id"], agent, "b.png", image, note="长" * 201)
    assert long_note.status_code == 422
    # the file's name: controls and bidirectional overrides go (they disguise an extension)
    tricky = _upload(client, order["id"], agent, "invoice\u202egpj.exe\x01", image).json()
    assert tricky["file_name"] == "invoicegpj.png"


def test_a_file_sent_by_mistake_is_withdrawn_and_its_content_erased(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    sender = make_staff(db, org.city, Role.AGENT)
    agent, colleague = bearer(db, sender), bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.unknown_charge.id)
    kept = _upload(client, order["id"], agent, "身份证.jpg", b"\xff\xd8\xff\xe0" + b"1" * 40).json()
    withdraw = f"/api/v1/work-orders/{order['id']}/attachments/{kept['id']}/withdraw"

    not_theirs = client.post(withdraw, json={"reason": "不是这个客户的"}, headers=colleague)
    assert (not_theirs.status_code, not_theirs.json()["error"]["code"]) == (
        403,
        "attachment_not_yours",
    )
    too_short = client.post(withdraw, json={"reason": "错"}, headers=supervisor)
    assert too_short.status_code == 422
    done = client.post(withdraw, json={"reason": "另一位客户的身份证照片"}, headers=supervisor)
    assert done.status_code == 200, done.text
    shown = done.json()
    assert shown["withdrawn_reason"] == "另一位客户的身份证照片" and shown["content_url"] is None
    assert shown["withdrawn_by"] and shown["sha256"] == kept["sha256"]  # what it was

    gone = client.get(kept["content_url"], headers=agent)
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "attachment_withdrawn")
    assert db.get(AttachmentContent, kept["id"]) is None
    db.expire_all()
    assert db.get(OrderAttachment, kept["id"]) is not None  # the record stays
    again = client.post(withdraw, json={"reason": "另一位客户的身份证照片"}, headers=supervisor)
    assert again.status_code == 409
    steps = client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()["events"]
    assert steps[-1]["details"]["withdrawn"] is True and steps[-1]["reason"].startswith("另一位")
    assert _audited(db, "order.attachment.withdraw", order["id"]) == 1


def test_only_those_who_see_the_order_reach_its_files(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    stranger = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id)
    kept = _upload(client, order["id"], agent, "a.png", png()).json()
    url = f"/api/v1/work-orders/{order['id']}/attachments"

    assert client.get(url, headers=stranger).status_code == 403
    assert _upload(client, order["id"], stranger, "b.png", png()).status_code == 403
    assert client.get(kept["content_url"], headers=stranger).status_code == 403
    assert client.get(f"{url}/{kept['id'] + 1}/content", headers=agent).status_code == 404
    other = complain(client, agent, cats.unknown_charge.id, "13900139000")
    wrong_order = f"/api/v1/work-orders/{other['id']}/attachments/{kept['id']}/content"
    assert client.get(wrong_order, headers=agent).status_code == 404
    assert _upload(client, 99999, agent, "a.png", png()).status_code == 404


def test_a_cancelled_order_takes_no_file(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    order = complain(client, agent, cats.unknown_charge.id)
    cancelled = client.post(
        f"/api/v1/work-orders/{order['id']}/cancel",
        json={"reason": "重复登记的工单"},
        headers=supervisor | {"If-Match": f'"{order["version"]}"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    refused = _upload(client, order["id"], agent, "a.png", png())
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        409,
        "attachment_order_cancelled",
    )


def test_an_upload_is_taken_once_per_idempotency_key(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    order = complain(client, agent, cats.unknown_charge.id)
    keyed = agent | {"Idempotency-Key": "upload-1"}
    first = _upload(client, order["id"], keyed, "a.png", png())
    again = _upload(client, order["id"], keyed, "a.png", png())
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = _upload(client, order["id"], keyed, "a.png", png(3))
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    kept = db.scalar(select(func.count()).where(OrderAttachment.order_id == order["id"]))
    assert kept == 1


def test_a_merged_duplicates_files_go_to_the_order_kept(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    kept = complain(client, agent, cats.unknown_charge.id, subject="扣费问题（来电）")
    duplicate = complain(client, agent, cats.unknown_charge.id, subject="扣费问题（短信）")
    bill = _upload(client, duplicate["id"], agent, "账单.png", png()).json()
    wrong = _upload(client, duplicate["id"], agent, "别人的.png", png(3)).json()
    url = f"/api/v1/work-orders/{duplicate['id']}/attachments"
    client.post(f"{url}/{wrong['id']}/withdraw", json={"reason": "不是这位客户的"}, headers=agent)
    duplicate = client.get(f"/api/v1/work-orders/{duplicate['id']}", headers=agent).json()

    merged = client.post(
        f"/api/v1/work-orders/{duplicate['id']}/merge",
        json={"into": kept["number"]},
        headers=supervisor | {"If-Match": f'"{duplicate["version"]}"'},
    )
    assert merged.status_code == 200, merged.text
    on_kept = client.get(f"/api/v1/work-orders/{kept['id']}/attachments", headers=agent).json()
    assert [a["id"] for a in on_kept["items"]] == [bill["id"]]
    moved = client.get(on_kept["items"][0]["content_url"], headers=agent)
    assert moved.status_code == 200 and moved.content == png()
    left = client.get(url, headers=agent).json()["items"]
    assert [a["id"] for a in left] == [wrong["id"]]  # the withdrawn one's record stays
    steps = client.get(f"/api/v1/work-orders/{kept['id']}", headers=agent).json()["events"]
    assert steps[-1]["kind"] == "merge" and steps[-1]["details"]["files"] == ["账单.png"]


def test_queue_rows_say_how_many_files_each_order_keeps(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    with_files = complain(client, agent, cats.unknown_charge.id)
    without = complain(client, agent, cats.unknown_charge.id, "13900139000")
    kept = _upload(client, with_files["id"], agent, "a.png", png()).json()
    _upload(client, with_files["id"], agent, "b.png", png(2))
    url = f"/api/v1/work-orders/{with_files['id']}/attachments/{kept['id']}/withdraw"
    client.post(url, json={"reason": "传错了文件"}, headers=agent)
    rows = client.get("/api/v1/work-orders", headers=agent).json()["items"]
    counts = {row["id"]: row["file_count"] for row in rows}
    assert counts == {with_files["id"]: 1, without["id"]: 0}  # the withdrawn one not counted
    page = client.get("/orders?view=all", headers=agent).text
    assert "附件 1" in page
