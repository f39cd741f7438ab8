"""Draw the placeholder logo of the default pack (templates/logo.png) with the stdlib only.

A department replaces it with its own logo by putting `templates/logo.png` in its
pack. Run: python scripts/make_logo.py
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

SIZE = 200
BLUE = (31, 78, 121)
WHITE = (255, 255, 255)


def pixel(x: int, y: int) -> tuple[int, int, int, int]:
    """A blue disc with three white waves: neutral, clearly a placeholder."""
    cx = cy = SIZE / 2
    r = (x - cx) ** 2 + (y - cy) ** 2
    if r > (SIZE / 2 - 2) ** 2:
        return (0, 0, 0, 0)
    for band in (-40, 0, 40):
        wave = cy + band + 10 * math.sin((x / SIZE) * 2 * math.pi)
        if abs(y - wave) < 7:
            return (*WHITE, 255)
    return (*BLUE, 255)


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    rows = [b"".join(bytes(pixel(x, y)) for x in range(SIZE)) for y in range(SIZE)]
    target = Path(__file__).resolve().parent.parent / "templates" / "logo.png"
    target.write_bytes(png(SIZE, SIZE, rows))
    print(f"Skrevet: {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
