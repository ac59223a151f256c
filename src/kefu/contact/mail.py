"""Inbound e-mail: parse a raw message into what kefu keeps, however it is encoded.

Mail arrives in every shape: RFC 2047 subjects, GB2312 bodies that really hold GBK, HTML
only, a charset nobody knows, a broken MIME tree. Parsing never fails on such a message —
it falls back to a decoding that replaces what it cannot read — because a lost complaint
costs more than a few garbled characters. HTML is turned into plain text (scripts and
styles dropped); the console shows the text escaped, so nothing in a mail ever runs.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parseaddr
from html.parser import HTMLParser

# Chinese mailers label GBK text as GB2312; GB18030 reads both and more.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "blockquote"}


_MESSAGE_ID = re.compile(r"<[^<>\s]{1,178}>")  # as long as an interaction's reference keeps
MAX_REFERENCES = 20


@dataclass(frozen=True, slots=True)
class MailFile:
    """A file attached to an e-mail: its name as sent (empty when it has none) and bytes
    (empty when the part held none, a forwarded mail for instance)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class ParsedMail:
    """The parts of an e-mail kefu keeps."""

    sender: str  # the From address, lower-cased; "" when there is none
    subject: str
    body: str
    message_id: str
    automatic: bool  # an auto-reply, bounce or list mail: never answered automatically
    attachments: tuple[MailFile, ...]
    refers_to: tuple[str, ...]  # the Message-IDs it answers (In-Reply-To, References)


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head"):
            self._skipping = max(self._skipping - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body (no scripts, styles or tags)."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _decode(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = _CHARSET_ALIASES.get(charset, charset)
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    return payload.decode(charset, errors="replace")


def _body(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError, ValueError):
        part = None
    if part is None:
        return "" if message.is_multipart() else _decode(message)
    text = _decode(part)
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, LookupError, IndexError, AttributeError):
        raw = message.get_all(name, failobj=[""])
        return str(raw[0]) if raw else ""


def _automatic(message: EmailMessage) -> bool:
    """RFC 3834: do not answer auto-replies, bounces or list mail (no mail loops)."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    precedence = _header(message, "Precedence").strip().lower()
    return (
        (auto not in ("", "no"))
        or precedence in ("bulk", "list", "junk")
        or bool(_header(message, "List-Id"))
    )


def _attachments(message: EmailMessage) -> tuple[MailFile, ...]:
    try:
        return tuple(_file(part) for part in message.iter_attachments())
    except (KeyError, LookupError, ValueError, AttributeError):
        return ()


def _file(part: Message) -> MailFile:
    payload = part.get_payload(decode=True)
    return MailFile(str(part.get_filename() or ""), payload if isinstance(payload, bytes) else b"")


def _refers_to(message: EmailMessage) -> tuple[str, ...]:
    """The Message-IDs a mail answers, the most recent last (at most ``MAX_REFERENCES``)."""
    text = f"{_header(message, 'In-Reply-To')} {_header(message, 'References')}"
    found = list(dict.fromkeys(_MESSAGE_ID.findall(text)))
    return tuple(found[-MAX_REFERENCES:])


def parse_mail(raw: bytes) -> ParsedMail:
    """What kefu keeps of a raw RFC 5322 message; never raises on a malformed one."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return ParsedMail(
        sender=parseaddr(_header(message, "From"))[1].strip().lower(),
        subject=_header(message, "Subject"),
        body=_body(message),
        message_id=_header(message, "Message-ID").strip(),
        automatic=_automatic(message),
        attachments=_attachments(message),
        refers_to=_refers_to(message),
    )
