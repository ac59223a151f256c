"""Text from outside (SMS, e-mail) made safe to store.

Anyone can send kefu a message, so its text is hostile until shown otherwise. It is kept
as received as far as that is safe: the console escapes it on display, so markup is shown,
never run. What cannot be stored or misleads a reader is removed: NUL (PostgreSQL refuses
it in text), other control characters, bidirectional overrides (they reorder what an
agent reads, e.g. an attachment name) and lone surrogates (not encodable as UTF-8). Text
past a limit is cut, and the cut is marked so nobody takes it for the whole message.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab, newline and carriage return; DEL; C1 controls; bidi embeddings,
# overrides and isolates; the byte-order mark.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
TRUNCATED_MARK = "\n[…]"


def storable(text: str, *, limit: int) -> tuple[str, bool]:
    """The text with unsafe characters removed and cut to ``limit`` characters; True when
    it had to be cut."""
    cleaned = _UNSAFE.sub("", text.encode("utf-8", "replace").decode("utf-8"))
    cleaned = unicodedata.normalize("NFC", cleaned)
    if len(cleaned) <= limit:
        return cleaned, False
    return cleaned[: max(limit - len(TRUNCATED_MARK), 0)] + TRUNCATED_MARK, True


def one_line(text: str, *, limit: int) -> str:
    """A header-like field (subject, sender name): one line, safe, at most ``limit``."""
    flat = " ".join(text.split())
    return storable(flat, limit=limit)[0]


def excerpt(text: str, limit: int) -> str:
    """The start of a text to show on one line (a message in a list): runs of white space
    made one space, cut at ``limit`` characters with an ellipsis. For showing, not storing
    (``one_line`` marks its cut for storage)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def folded(text: str) -> str:
    """Text as a keyword is matched: full-width forms made plain (NFKC), trimmed, upper
    case ("ｃｘ " and "cx" are "CX")."""
    return unicodedata.normalize("NFKC", text).strip().upper()
