"""Knowing an uploaded file by its first bytes, and the name it is kept under."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given
from hypothesis import strategies as st

from kefu.core import filekinds
from kefu.core.filekinds import ACCEPTED, kind_of
from kefu.workorders.attachments import MAX_NAME_CHARACTERS, stored_name

SAMPLES = {
    filekinds.PNG: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    filekinds.JPEG: b"\xff\xd8\xff\xe1\x00\x18Exif",
    filekinds.GIF: b"GIF89a\x01\x00\x01\x00",
    filekinds.WEBP: b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    filekinds.HEIC: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00",
    filekinds.PDF: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
    filekinds.MP3: b"ID3\x04\x00\x00\x00\x00\x00\x00",
    filekinds.WAV: b"RIFF\x24\x00\x00\x00WAVEfmt ",
    filekinds.AMR: b"#!AMR\n\x3c\x48",
    filekinds.M4A: b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00",
}


def _zip(*names: str) -> bytes:
    kept = io.BytesIO()
    with zipfile.ZipFile(kept, "w") as made:
        for name in names:
            made.writestr(name, "<x/>")
    return kept.getvalue()


def test_each_accepted_kind_is_known_by_its_signature() -> None:
    for kind, head in SAMPLES.items():
        assert kind_of(head + b"\x00" * 64) is kind, kind.media_type
    assert kind_of(_zip("[Content_Types].xml", "word/document.xml")) is filekinds.DOCX
    assert kind_of(_zip("[Content_Types].xml", "xl/workbook.xml")) is filekinds.XLSX
    # an MPEG audio frame without a tag (layer III, MPEG-1)
    assert kind_of(b"\xff\xfb\x90\x64" + b"\x00" * 32) is filekinds.MP3


def test_what_is_none_of_them_is_refused() -> None:
    for content in (
        b"<html><script>alert(1)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        "客户的文字说明".encode(),
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"\x7fELF\x02\x01\x01",
        _zip("photo.jpg"),  # an archive of anything
        _zip("[Content_Types].xml", "ppt/presentation.xml"),
        b"PK\x03\x04 damaged",
        b"\xff\xf1\x50\x80",  # AAC in ADTS frames: not MPEG audio layer I-III
        b"\x00\x00\x00\x18ftypisom",  # a video
    ):
        assert kind_of(content) is None, content[:16]


@given(st.binary(max_size=600))
def test_any_bytes_get_an_answer_never_an_error(content: bytes) -> None:
    assert kind_of(content) in (*ACCEPTED, None)


@given(st.text(max_size=400), st.sampled_from(ACCEPTED))
def test_a_kept_name_is_safe_and_ends_with_the_kind(sent: str, kind: filekinds.FileKind) -> None:
    name = stored_name(sent, kind)
    assert 1 <= len(name) <= MAX_NAME_CHARACTERS
    assert any(name.endswith(extension) for extension in kind.extensions)
    assert "/" not in name and "\\" not in name
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name)
    assert not any(c in name for c in '\u202e\u2066\ufeff<>:"|?*')
    stem = name.rsplit(".", 1)[0]
    assert stem and not stem.endswith((" ", "."))


def test_names_keep_what_people_wrote() -> None:
    assert stored_name("话费账单 2026年11月.JPEG", filekinds.JPEG) == "话费账单 2026年11月.jpeg"
    assert stored_name("/tmp/uploads/../bill.pdf", filekinds.PNG) == "bill.png"
    assert stored_name("C:\\fakepath\\合同.pdf", filekinds.PDF) == "合同.pdf"
    assert stored_name("...", filekinds.PDF) == "file.pdf"
    assert stored_name("录音", filekinds.AMR) == "录音.amr"
    assert len(stored_name("长" * 300 + ".png", filekinds.PNG)) == MAX_NAME_CHARACTERS
    cut_at_a_space = "长" * 155 + " 尾巴.png"
    assert stored_name(cut_at_a_space, filekinds.PNG) == "长" * 155 + ".png"


def test_sizes_read_as_people_say_them() -> None:
    from kefu.core.filekinds import shown_size

    assert [shown_size(n) for n in (512, 250_880, 2_516_582, 10_485_760)] == [
        "512 B",
        "245 KB",
        "2.4 MB",
        "10 MB",
    ]
