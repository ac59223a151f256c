"""The files a customer's e-mail brings: those of a kind an order takes are kept with the
message (an agent opens them, audited), the others are named in it; an order the e-mail
opens, by an intake rule or by the agent reading it, gets its files, marked as the
e-mail's."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from functools import partial

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from factories import bearer, make_customer, make_org, make_staff, png
from kefu.contact.defaults import ensure_default_intake_rules
from kefu.contact.enums import ContactChannel
from kefu.contact.mailserver import MailLimits, intake_for_account, store_mail
from kefu.contact.models import IntakeRule, Interaction, MessageFile
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.workorders.attachments import AttachmentLimits
from kefu.workorders.models import Category, OrderAttachment
from kefu.workorders.taxonomy import ensure_default_categories

LIMITS = MailLimits(
    "Asia/Shanghai",
    body_limit=2_000,
    auto_replies_per_hour=5,
    file_limits=AttachmentLimits(50_000, 3),
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def desk(db: Session, session_factory: sessionmaker[Session]) -> dict:
    ensure_default_categories(db)
    ensure_default_intake_rules(db)
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613800138000")  # zhang.wei@example.cn
    make_staff(db, org.province, Role.INTEGRATION, username="mailer", display_name="邮件网关")
    leaf = db.scalar(select(Category).where(Category.code == "billing.dispute.unknown"))
    db.add(
        IntakeRule(
            channel=ContactChannel.EMAIL,
            keyword="投诉",
            name="邮件投诉",
            order_type="complaint",
            category_code="billing.dispute.unknown",
            reply="您的投诉已受理，工单号 {order_number}。",
            sort_order=-1,  # before the catch-all receipt
        )
    )
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    db.commit()
    deliver = partial(store_mail, session_factory, intake_for_account("mailer", LIMITS))
    return {"deliver": deliver, "agent": agent, "customer": customer, "leaf": leaf.id}


def _mail(subject: str, files: list[tuple[str, bytes]]) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = "Zhang.Wei@example.cn", "10086@kefu.example.cn"
    message["Subject"], message["Message-ID"] = subject, f"<{abs(hash(subject))}@example.cn>"
    message.set_content("附件是我的账单和合同，请核实扣费。")
    for name, content in files:
        message.add_attachment(
            content, maintype="application", subtype="octet-stream", filename=name
        )
    return message.as_bytes(policy=policy.SMTP)


def _inbound(db: Session) -> Interaction:
    db.expire_all()
    query = select(Interaction).where(
        Interaction.channel == "email", Interaction.direction == "inbound"
    )
    return db.scalars(query.order_by(Interaction.id.desc())).first()


def test_an_emails_files_are_kept_with_it_and_the_rest_named(client, db: Session, desk) -> None:
    files = [
        ("账单截图.png", png()),
        ("virus.exe", b"MZ\x90\x00\x03" + b"\x00" * 60),
        ("照片.jpg", b"<html><script>alert(1)</script></html>"),  # a page, named as a photo
        ("空.pdf", b""),
        ("合同", PDF),
    ]
    desk["deliver"](_mail("话费疑问", files))
    message = _inbound(db)
    kept = db.scalars(select(MessageFile).where(MessageFile.interaction_id == message.id)).all()
    assert [(f.file_name, f.media_type) for f in kept] == [
        ("账单截图.png", "image/png"),
        ("合同.pdf", "application/pdf"),
    ]
    assert message.body.endswith(
        "[未保存的附件 attachments not kept: virus.exe（类型不接受 kind not taken）, "
        "照片.jpg（类型不接受 kind not taken）, 空.pdf（空文件 empty）]"
    )

    shown = client.get(f"/api/v1/messages/{message.id}", headers=desk["agent"]).json()
    assert [f["file_name"] for f in shown["files"]] == ["账单截图.png", "合同.pdf"]
    image = shown["files"][0]
    assert (image["group"], image["opens_in_browser"]) == ("image", True)
    opened = client.get(image["content_url"], params={"inline": "true"}, headers=desk["agent"])
    assert opened.status_code == 200 and opened.content == png()
    assert opened.headers["content-disposition"].startswith("inline; ")
    assert "sandbox" in opened.headers["content-security-policy"]
    audited = select(func.count()).where(
        AuditLog.action == "interaction.file.open", AuditLog.entity_id == str(message.id)
    )
    assert db.scalar(audited) == 1
    other = f"/api/v1/messages/{message.id}/files/{image['id'] + 99}/content"
    missing = client.get(other, headers=desk["agent"])
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "message_file_not_found")
    # no more files than an order takes: the fourth good one is named, not kept
    desk["deliver"](_mail("四张截图", [(f"{n}.png", png()) for n in range(4)]))
    crowded = _inbound(db)
    assert crowded.body.endswith("not kept: 3.png（超过 3 个 more than 3）]")
    desk["deliver"](_mail("大文件", [("扫描件.pdf", PDF + b" " * 60_000)]))
    assert _inbound(db).body.endswith("扫描件.pdf（超过 49 KB over 49 KB）]")


def test_an_order_a_rule_opens_from_the_email_gets_its_files(client, db: Session, desk) -> None:
    desk["deliver"](_mail("投诉：不明扣费 30 元", [("账单.png", png()), ("合同.pdf", PDF)]))
    message = _inbound(db)
    order_id = client.get(f"/api/v1/messages/{message.id}", headers=desk["agent"]).json()[
        "message"
    ]["order_ids"][0]
    listed = client.get(f"/api/v1/work-orders/{order_id}/attachments", headers=desk["agent"])
    files = listed.json()["items"]
    assert [(f["file_name"], f["source"], f["uploaded_by"]) for f in files] == [
        ("账单.png", "email", "邮件网关"),
        ("合同.pdf", "email", "邮件网关"),
    ]
    opened = client.get(files[0]["content_url"], headers=desk["agent"])
    assert opened.content == png()
    steps = client.get(f"/api/v1/work-orders/{order_id}", headers=desk["agent"]).json()["events"]
    assert [s["details"]["file_name"] for s in steps if s["kind"] == "attachment"] == [
        "账单.png",
        "合同.pdf",
    ]


def test_an_order_the_agent_opens_from_the_email_gets_its_files(client, db: Session, desk) -> None:
    desk["deliver"](_mail("话费疑问", [("账单.png", png())]))
    message = _inbound(db)
    body = {"type": "complaint", "category_id": desk["leaf"], "subject": "不明扣费"}
    made = client.post(f"/api/v1/messages/{message.id}/orders", json=body, headers=desk["agent"])
    assert made.status_code == 201, made.text
    assert made.json()["events"][-1]["kind"] == "attachment"  # the answer shows it
    kept = db.scalars(select(OrderAttachment).where(OrderAttachment.order_id == made.json()["id"]))
    assert [(a.file_name, a.source) for a in kept] == [("账单.png", "email")]


def _reply_in_thread(subject: str, answers: str, files: list[tuple[str, bytes]]) -> bytes:
    """The customer's reply to the center's answer: it names the mail it answers, and the
    customer's first mail, which the answer named."""
    message = EmailMessage()
    message["From"], message["To"] = "Zhang.Wei@example.cn", "10086@kefu.example.cn"
    message["Subject"], message["Message-ID"] = subject, f"<{abs(hash(subject))}@example.cn>"
    message["In-Reply-To"] = "<42@kefu>"
    message["References"] = f"{answers} <42@kefu>"
    message.set_content("退款还没有到账，附上最新的账单。")
    for name, content in files:
        message.add_attachment(content, maintype="image", subtype="png", filename=name)
    return message.as_bytes(policy=policy.SMTP)


def test_a_reply_in_the_thread_goes_onto_the_order_the_first_mail_opened(
    client, db: Session, desk
) -> None:
    first = _mail("投诉：不明扣费 30 元", [("账单.png", png())])
    desk["deliver"](first)
    opened = _inbound(db)
    (order_id,) = client.get(f"/api/v1/messages/{opened.id}", headers=desk["agent"]).json()[
        "message"
    ]["order_ids"]
    replies_before = db.scalar(select(func.count()).select_from(Interaction))

    # "Re: 投诉…" would match the complaint rule again: in the thread it opens nothing
    desk["deliver"](
        _reply_in_thread(
            "Re: 投诉：不明扣费 30 元", opened.channel_ref[6:], [("新账单.png", png())]
        )
    )
    reply = _inbound(db)
    shown = client.get(f"/api/v1/messages/{reply.id}", headers=desk["agent"]).json()
    assert shown["message"]["order_ids"] == [order_id] and shown["message"]["status"] == "open"
    assert (
        db.scalar(select(func.count()).select_from(Interaction)) == replies_before + 1
    )  # no receipt
    order = client.get(f"/api/v1/work-orders/{order_id}", headers=desk["agent"]).json()
    wrote = [e for e in order["events"] if e["details"].get("customer_wrote")]
    assert [e["details"]["customer_wrote"] for e in wrote] == [reply.id]
    assert wrote[0]["reason"].startswith("退款还没有到账")
    files = client.get(f"/api/v1/work-orders/{order_id}/attachments", headers=desk["agent"])
    assert [f["file_name"] for f in files.json()["items"]] == ["账单.png", "新账单.png"]
    orders = db.scalar(select(func.count()).select_from(OrderAttachment))
    assert orders == 2
    told = db.scalar(
        select(func.count()).where(
            AuditLog.action == "order.customer_wrote", AuditLog.entity_id == str(order_id)
        )
    )
    assert told == 1


def test_a_mail_naming_unknown_mails_is_a_new_one(client, db: Session, desk) -> None:
    desk["deliver"](_reply_in_thread("Re: 话费疑问", "<nobody@example.cn>", []))
    message = _inbound(db)
    assert message.intake_rule_id is not None  # the rules apply as to any new mail
    shown = client.get(f"/api/v1/messages/{message.id}", headers=desk["agent"]).json()
    assert shown["message"]["order_ids"] == []
