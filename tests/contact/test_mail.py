"""E-mail intake: parsing survives any encoding, the SMTP receiver stores then says 250,
refuses strangers' domains and oversize mail, never answers robots; the IMAP poller marks
a message seen only once it is stored."""

from __future__ import annotations

import json
import smtplib
import socket
from email import policy
from email.message import EmailMessage
from functools import partial

import pytest
from aiosmtpd.controller import Controller
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from factories import make_customer, make_org, make_staff
from kefu.contact.defaults import ensure_default_intake_rules
from kefu.contact.mail import html_to_text, parse_mail
from kefu.contact.mailserver import (
    IntakeHandler,
    MailLimits,
    intake_for_account,
    poll_imap,
    store_mail,
)
from kefu.contact.models import Interaction
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.core.textsafe import storable

LIMITS = MailLimits("Asia/Shanghai", body_limit=2_000, auto_replies_per_hour=5)


def test_rfc2047_subject_and_gbk_labelled_gb2312_body() -> None:
    raw = (
        b"From: =?utf-8?b?5byg5Lyf?= <Zhang.Wei@Example.cn>\r\n"
        b"Subject: =?gb2312?b?"
        + __import__("base64").b64encode("投诉信号差".encode("gb2312"))
        + b"?=\r\nMessage-ID: <m1@example.cn>\r\n"
        b"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "我家里镕信号很差".encode("gbk")  # 镕 is GBK, not GB2312
    )
    mail = parse_mail(raw)
    assert mail.sender == "zhang.wei@example.cn" and mail.subject == "投诉信号差"
    assert mail.body == "我家里镕信号很差" and mail.message_id == "<m1@example.cn>"
    assert not mail.automatic


def test_html_only_mail_keeps_text_and_drops_scripts() -> None:
    html = "<html><head><style>p{}</style></head><body><p>网速 <b>很慢</b></p>"
    html += "<script>alert('x')</script><div>请处理 &amp; 回复</div></body></html>"
    assert html_to_text(html) == "网速 很慢\n请处理 & 回复"


def test_unknown_charset_broken_mime_and_robots() -> None:
    raw = (
        b"From: robot@example.cn\r\nAuto-Submitted: auto-replied\r\n"
        b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\nno parts at all'
    )
    assert parse_mail(raw).automatic
    odd = b"From: a@b.cn\r\nContent-Type: text/plain; charset=x-martian\r\n\r\nhello \xff"
    assert parse_mail(odd).body == "hello \ufffd"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_parsing_never_fails_and_stored_text_is_clean(raw: bytes) -> None:
    mail = parse_mail(raw)
    text, _ = storable(mail.subject + mail.body, limit=500)
    assert "\x00" not in text and len(text) <= 500
    text.encode("utf-8")  # no lone surrogates left


@given(st.text(max_size=300), st.integers(min_value=5, max_value=400))
def test_storable_cuts_visibly(text: str, limit: int) -> None:
    stored, cut = storable(text, limit=limit)
    assert (len(stored) <= limit and cut == stored.endswith("\n[…]")) or not cut


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(db: Session, session_factory: sessionmaker[Session]):
    ensure_default_intake_rules(db)
    org = make_org(db)
    customer = make_customer(db, org.city)
    make_staff(db, org.province, Role.INTEGRATION, username="mailer")
    db.commit()
    deliver = partial(store_mail, session_factory, intake_for_account("mailer", LIMITS))
    port = _free_port()
    controller = Controller(
        IntakeHandler(deliver, frozenset({"kefu.example.cn"})),
        hostname="127.0.0.1",
        port=port,
        data_size_limit=50_000,
    )
    controller.start()
    yield {"port": port, "customer": customer}
    controller.stop()


def _mail(subject: str, body: str, *, sender: str = "Zhang.Wei@example.cn", **headers) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "10086@kefu.example.cn", subject
    message["Message-ID"] = f"<{abs(hash(subject + body))}@example.cn>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body, cte="base64")
    return message.as_bytes(policy=policy.SMTP)


def _send(port: int, raw: bytes, to: str = "10086@kefu.example.cn") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail("zhang.wei@example.cn", [to], raw)


def test_mail_over_smtp_becomes_a_matched_interaction_once(db: Session, smtp) -> None:
    raw = _mail("<img src=x onerror=alert(1)> 话费疑问", "上月账单多了 30 元。" + "很" * 3_000)
    _send(smtp["port"], raw)
    _send(smtp["port"], raw)  # the sender's retry
    stored = db.scalars(select(Interaction).where(Interaction.channel == "email")).all()
    inbound = [i for i in stored if i.direction == "inbound"]
    assert len(inbound) == 1
    mail = inbound[0]
    assert mail.customer_id == smtp["customer"].id and mail.status == "open"
    assert mail.subject == "<img src=x onerror=alert(1)> 话费疑问"
    assert len(mail.body) <= LIMITS.body_limit and mail.body.endswith("[…]")
    receipts = [json.loads(j.payload) for j in db.scalars(select(Job))]
    assert [r["to"] for r in receipts] == ["zhang.wei@example.cn"]
    assert receipts[0]["in_reply_to"] == mail.channel_ref.removeprefix("email:")
    assert receipts[0]["automatic"] is True


def test_strangers_domains_oversize_mail_and_robots(db: Session, smtp) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        _send(smtp["port"], _mail("hi", "relay me"), to="someone@elsewhere.cn")
    with pytest.raises(smtplib.SMTPSenderRefused):  # 552 over the size limit
        _send(smtp["port"], _mail("big", "大" * 40_000))
    _send(smtp["port"], _mail("Out of office", "away", Auto_Submitted="auto-replied"))
    stored = db.scalars(select(Interaction)).all()
    assert [i.subject for i in stored] == ["Out of office"]
    assert db.scalar(select(Job)) is None  # no receipt to a robot: no mail loop


def test_a_failing_store_answers_451_so_the_sender_retries() -> None:
    def broken(raw: bytes) -> None:
        raise RuntimeError("database down")

    port = _free_port()
    controller = Controller(IntakeHandler(broken), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            _send(port, _mail("hi", "there"))
        assert refused.value.smtp_code == 451
    finally:
        controller.stop()


class FakeMailbox:
    """An IMAP folder: three unseen messages, the second one unreadable by kefu."""

    def __init__(self, messages: dict[str, bytes]) -> None:
        self.messages = messages
        self.seen: set[str] = set()

    def select(self, mailbox: str = "INBOX") -> tuple[str, list]:
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command: str, *args: str) -> tuple[str, list]:
        if command == "SEARCH":
            unseen = [uid for uid in self.messages if uid not in self.seen]
            return "OK", [" ".join(unseen).encode()]
        if command == "FETCH":
            return "OK", [(f"{args[0]} (BODY[] {{1}}".encode(), self.messages[args[0]]), b")"]
        if command == "STORE":
            self.seen.add(args[0])
            return "OK", []
        raise AssertionError(command)


def test_imap_marks_seen_only_what_was_stored(db: Session, session_factory) -> None:
    ensure_default_intake_rules(db)
    org = make_org(db)
    make_staff(db, org.province, Role.INTEGRATION, username="mailer")
    db.commit()
    store = partial(store_mail, session_factory, intake_for_account("mailer", LIMITS))

    def deliver(raw: bytes) -> None:
        if b"Subject: poison" in raw:
            raise RuntimeError("cannot store")
        store(raw)

    box = FakeMailbox({"7": _mail("a", "one"), "8": _mail("poison", "b"), "9": _mail("c", "x")})
    assert poll_imap(box, deliver) == 2
    assert box.seen == {"7", "9"}
    assert poll_imap(box, deliver) == 0  # the poison message stays unseen, nothing doubles
    inbound = select(Interaction.subject).where(Interaction.direction == "inbound")
    subjects = sorted(db.scalars(inbound))
    assert subjects == ["a", "c"]
