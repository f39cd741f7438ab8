"""Read a picture file's size and resolution, once per process while the file is unchanged.

A logo sits in every letterhead, so it is read here without python-docx: a PNG
(the logo, charts) from its IHDR and pHYs chunks. Any other format (JPEG, GIF,
BMP, TIFF) goes to python-docx's image reader, imported only then. Either way
the size comes out as python-docx computes it (``Image.scaled_dimensions``).
"""

from __future__ import annotations

import hashlib
import os
import struct
from functools import lru_cache
from typing import NamedTuple

_EMU_PER_INCH = 914400
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Picture(NamedTuple):
    """A picture's bytes and what a w:drawing needs to show it."""

    blob: bytes
    filename: str  # the file's own name (pic:cNvPr/@name)
    ext: str  # the part name's extension: png, jpg, gif, bmp, tiff
    content_type: str
    sha1: str  # the same picture is one part in a package
    px_width: int
    px_height: int
    horz_dpi: int
    vert_dpi: int

    def scaled(self, height: int) -> tuple[int, int]:
        """(cx, cy) in EMU at ``height`` EMU high, the width in proportion."""
        native_width = int(self.px_width / self.horz_dpi * _EMU_PER_INCH)
        native_height = int(self.px_height / self.vert_dpi * _EMU_PER_INCH)
        return round(native_width * (float(height) / float(native_height))), height


def picture(path: str, info: os.stat_result | None = None) -> Picture:
    """The picture in file ``path`` (``info``: its stat, if known); ValueError if it cannot be read."""
    info = info or os.stat(path)
    return _picture(path, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=16)
def _picture(path: str, mtime_ns: int, size: int) -> Picture:
    with open(path, "rb") as file:
        blob = file.read()
    sha1 = hashlib.sha1(blob).hexdigest()
    name = os.path.basename(path)
    if blob.startswith(_PNG_SIGNATURE):
        width, height, horz, vert = _png(blob)
        return Picture(blob, name, "png", "image/png", sha1, width, height, horz, vert)
    from docx.image.image import Image  # the rare other formats: python-docx knows them all

    try:
        image = Image.from_blob(blob)
    except Exception as exc:  # python-docx's own errors for an unknown or broken image
        raise ValueError("not a picture python-docx can read") from exc
    return Picture(blob, name, image.ext, image.content_type, sha1, image.px_width, image.px_height,
                   image.horz_dpi, image.vert_dpi)


def _png(blob: bytes) -> tuple[int, int, int, int]:
    """(width, height, horizontal dpi, vertical dpi) from a PNG's IHDR and pHYs chunks (72 dpi without)."""
    offset = len(_PNG_SIGNATURE)
    size = None
    dpi = (72, 72)
    while offset + 8 <= len(blob):
        length, kind = struct.unpack_from(">L4s", blob, offset)
        data = blob[offset + 8: offset + 8 + length]
        if len(data) < length:
            break
        if kind == b"IHDR" and length >= 8:
            size = struct.unpack_from(">LL", data)
        elif kind == b"pHYs" and length >= 9:
            horz, vert, unit = struct.unpack_from(">LLB", data)
            dpi = (_dpi(unit, horz), _dpi(unit, vert))
        elif kind in (b"IDAT", b"IEND"):  # pHYs must come before the image data
            break
        offset += 12 + length
    if size is None:
        raise ValueError("PNG without IHDR")
    return size[0], size[1], dpi[0], dpi[1]


def _dpi(unit: int, per_unit: int) -> int:
    """Dots per inch from pHYs (unit 1: per metre), as python-docx reads it."""
    if unit == 1 and per_unit:
        return int(round(per_unit * 0.0254))
    return 72
