"""What an uploaded file really is, read from its first bytes, for an allowlist of kinds.

Customers send evidence with a complaint: a screenshot of the bill or of an unwanted
subscription's SMS, a photo of the router, a PDF contract, a voice memo. Those are the
kinds kefu keeps; text is not among them (an HTML page is text too). A file is known by
its content, never by its name or the type the browser claimed: an HTML page named
``bill.png`` would otherwise be served back to staff.

Each kind is a handful of exact signatures (the formats' own magic numbers). An
identification library was tried (puremagic) and did not fit the job: it cannot tell a
workbook from any ZIP archive, which needs the archive's listing anyway, and it ranks
guesses where an allowlist needs a yes or a no.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum


class FileGroup(StrEnum):
    """How a kind is shown: an image or audio opens in the browser, the rest downloads."""

    IMAGE = "image"
    AUDIO = "audio"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class FileKind:
    """One accepted kind: its media type, its file name extensions (the first is used
    when a name lacks one) and how it is shown."""

    media_type: str
    extensions: tuple[str, ...]
    group: FileGroup
    opens_in_browser: bool  # shown inline; otherwise always downloaded


PNG = FileKind("image/png", (".png",), FileGroup.IMAGE, True)
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"), FileGroup.IMAGE, True)
GIF = FileKind("image/gif", (".gif",), FileGroup.IMAGE, True)
WEBP = FileKind("image/webp", (".webp",), FileGroup.IMAGE, True)
HEIC = FileKind("image/heic", (".heic", ".heif"), FileGroup.IMAGE, False)  # iPhone photos
PDF = FileKind("application/pdf", (".pdf",), FileGroup.DOCUMENT, False)
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    FileGroup.DOCUMENT,
    False,
)
XLSX = FileKind(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
    FileGroup.DOCUMENT,
    False,
)
MP3 = FileKind("audio/mpeg", (".mp3",), FileGroup.AUDIO, True)
WAV = FileKind("audio/wav", (".wav",), FileGroup.AUDIO, True)
AMR = FileKind("audio/amr", (".amr",), FileGroup.AUDIO, False)  # a phone's voice memo
M4A = FileKind("audio/mp4", (".m4a",), FileGroup.AUDIO, True)

ACCEPTED = (PNG, JPEG, GIF, WEBP, HEIC, PDF, DOCX, XLSX, MP3, WAV, AMR, M4A)

_BY_MEDIA_TYPE = {kind.media_type: kind for kind in ACCEPTED}
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"})
_M4A_BRANDS = frozenset({b"M4A ", b"M4B "})


def kind_of(content: bytes) -> FileKind | None:
    """The accepted kind the content is, or None when it is none of them."""
    head = content[:16]
    by_signature = _by_signature(head)
    if by_signature is not None:
        return by_signature
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    if head[4:8] == b"ftyp":
        return _iso_media_kind(head[8:12])
    return None


def _by_signature(head: bytes) -> FileKind | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE"):
        return WEBP if head[8:12] == b"WEBP" else WAV
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"#!AMR"):
        return AMR
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return MP3
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a version and a layer that exist (AAC's
    ADTS frames, layer 0, are another format)."""
    if len(head) < 2 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    return version != 0b01 and layer != 0b00


def _office_kind(content: bytes) -> FileKind | None:
    """A Word document or an Excel workbook; any other archive is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):  # a truncated or damaged archive
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _iso_media_kind(brand: bytes) -> FileKind | None:
    if brand in _HEIC_BRANDS:
        return HEIC
    if brand in _M4A_BRANDS:
        return M4A
    return None


def stored_kind(media_type: str) -> FileKind:
    """The kind of a kept file, by the media type its record holds (only accepted kinds
    are kept; an unknown one is treated as a document, always downloaded)."""
    return _BY_MEDIA_TYPE.get(media_type, PDF)


def shown_size(size: int) -> str:
    """A file's size as people read it: 512 B, 245 KB, 2.4 MB, 10 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1_048_576:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"
