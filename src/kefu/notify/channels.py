"""Delivery adapters. Each takes the outbox message id, so a gateway or mail server can
recognise a repeat (the SMTP Message-ID, the gateway's idempotency key)."""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

import httpx


@dataclass(frozen=True)
class Mail:
    """An e-mail to send."""

    to: str
    subject: str
    body: str
    in_reply_to: str = ""  # the Message-ID answered, so the customer's mailer threads it
    automatic: bool = False  # sent by a rule: marked so other robots do not answer it


class SmsGateway(Protocol):
    """Sends one SMS."""

    def send(self, *, to: str, text: str, message_id: str) -> None:
        """Hand the message to the gateway (raise to have the job retried)."""


def send_mail(mail: Mail, *, message_id: str, host: str, port: int, sender: str) -> None:
    """Send one e-mail over SMTP."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, mail.to, mail.subject
    message["Message-ID"] = f"<{message_id}@kefu>"
    if mail.in_reply_to:
        message["In-Reply-To"] = message["References"] = mail.in_reply_to
    message["Auto-Submitted"] = "auto-replied" if mail.automatic else "no"
    message.set_content(mail.body)
    with smtplib.SMTP(host, port, timeout=15) as smtp:
        smtp.send_message(message)


@dataclass(frozen=True)
class FileSmsGateway:
    """Appends messages to a JSON-lines file: the demo's and tests' SMS centre."""

    path: Path

    def send(self, *, to: str, text: str, message_id: str) -> None:
        """Write the message as one line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"to": to, "text": text, "message_id": message_id}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")


@dataclass(frozen=True)
class HttpSmsGateway:
    """Posts messages to an operator's SMS gateway as JSON."""

    url: str
    token: str = ""

    def send(self, *, to: str, text: str, message_id: str) -> None:
        """POST the message; any non-2xx answer raises, so the job is retried."""
        headers = {"Idempotency-Key": message_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = httpx.post(self.url, json={"to": to, "text": text}, headers=headers, timeout=15)
        response.raise_for_status()


def sms_gateway(setting: str) -> SmsGateway:
    """The gateway a setting names: ``file:PATH`` or an http(s) URL."""
    if setting.startswith(("http://", "https://")):
        return HttpSmsGateway(setting)
    return FileSmsGateway(Path(setting.removeprefix("file:")))
