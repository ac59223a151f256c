"""Files for the demo center, drawn here (nothing is downloaded): a customer's screenshot of
a bill, its rows as grey bars and the disputed charge marked in red, as a phone shows it."""

from __future__ import annotations

import struct
import zlib

WIDTH, HEIGHT = 360, 560
_WHITE, _GREY, _DARK = (255, 255, 255), (208, 213, 221), (102, 112, 133)
_BLUE, _RED, _PAPER = (11, 92, 173), (196, 50, 10), (244, 246, 249)


def bill_screenshot() -> bytes:
    """A PNG of a phone's bill page: header, charge rows, one row circled in red."""
    rows = [[_PAPER] * WIDTH for _ in range(HEIGHT)]
    _box(rows, 0, 0, WIDTH, 64, _BLUE)  # the operator's app header
    _box(rows, 20, 24, 140, 16, _WHITE)  # its title
    _box(rows, 16, 84, WIDTH - 32, 96, _WHITE)  # the month's total
    _box(rows, 32, 104, 120, 12, _DARK)
    _box(rows, 32, 136, 180, 28, _BLUE)
    for n in range(7):  # the charges, one row each
        top = 200 + n * 48
        _box(rows, 16, top, WIDTH - 32, 40, _WHITE)
        _box(rows, 32, top + 14, 150 - (n % 3) * 30, 12, _GREY)
        _box(rows, WIDTH - 96, top + 14, 56, 12, _DARK)
    _frame(rows, 10, 200 + 4 * 48 - 6, WIDTH - 20, 52, _RED, 3)  # the charge disputed
    return _png(rows)


Pixels = list[list[tuple[int, int, int]]]


def _box(rows: Pixels, x: int, y: int, w: int, h: int, colour: tuple[int, int, int]) -> None:
    for line in rows[y : y + h]:
        line[x : x + w] = [colour] * len(line[x : x + w])


def _frame(
    rows: Pixels,
    x: int,
    y: int,
    w: int,
    h: int,
    colour: tuple[int, int, int],
    thickness: int,
) -> None:
    _box(rows, x, y, w, thickness, colour)
    _box(rows, x, y + h - thickness, w, thickness, colour)
    _box(rows, x, y, thickness, h, colour)
    _box(rows, x + w - thickness, y, thickness, h, colour)


def _png(rows: Pixels) -> bytes:
    raw = b"".join(b"\x00" + bytes(v for pixel in line for v in pixel) for line in rows)
    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
