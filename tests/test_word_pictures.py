"""Pictures in documents: the writer reads a PNG's size itself and gets python-docx's numbers; other
formats go through python-docx's reader; the package holds each picture once (issue 19)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.image.image import Image
from docx.shared import Mm

from beredskab.errors import TemplateError
from beredskab.word._picture import picture
from beredskab.word.writer import build_document

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "templates" / "reference.docx"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_file(path: Path, width: int, height: int, phys: tuple[int, int, int] | None = None) -> Path:
    """A grey PNG ``width`` x ``height``, with a pHYs chunk (x, y, unit) if given."""
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    chunks = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    if phys:
        chunks += _chunk(b"pHYs", struct.pack(">IIB", *phys))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunks + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("size, phys", [
    ((60, 20), None),
    ((200, 200), (11811, 11811, 1)),  # 300 dpi
    ((300, 100), (3780, 5000, 1)),  # 96 x 127 dpi
    ((50, 70), (100, 100, 0)),  # no unit: 72 dpi
], ids=["no-phys", "300-dpi", "unequal-dpi", "unitless"])
def test_word_png_size_is_python_docx_s(tmp_path, size, phys):
    path = png_file(tmp_path / "logo.png", *size, phys=phys)
    ours, theirs = picture(str(path)), Image.from_file(str(path))
    assert (ours.px_width, ours.px_height, ours.horz_dpi, ours.vert_dpi) == (
        theirs.px_width, theirs.px_height, theirs.horz_dpi, theirs.vert_dpi)
    assert ours.scaled(Mm(15)) == tuple(theirs.scaled_dimensions(None, Mm(15)))
    assert (ours.ext, ours.content_type) == (theirs.ext, theirs.content_type)


def test_word_jpeg_logo_is_read_by_python_docx_and_kept_as_jpeg(tmp_path):
    pil = pytest.importorskip("PIL.Image")
    pil.new("RGB", (90, 30), (30, 80, 120)).save(tmp_path / "logo.jpg", dpi=(150, 150))
    data = build_document('<p><img class="logo" src="logo.jpg" alt="Logo"></p>', REFERENCE,
                          resolve_asset=lambda name: tmp_path / name)
    document = Document(io.BytesIO(data))
    shape = document.inline_shapes[0]
    assert abs(shape.height - Mm(15)) < Mm(0.1) and abs(shape.width - Mm(45)) < Mm(0.1)
    package = zipfile.ZipFile(io.BytesIO(data))
    assert "word/media/image1.jpg" in package.namelist()
    assert b'Extension="jpg" ContentType="image/jpeg"' in package.read("[Content_Types].xml")


def test_word_same_picture_twice_is_one_part_related_once_per_story(tmp_path):
    png_file(tmp_path / "logo.png", 60, 20)
    data = build_document('<div class="header"><p><img src="logo.png"></p></div>'
                          '<p><img src="logo.png"><img src="logo.png"></p>', REFERENCE,
                          resolve_asset=lambda name: tmp_path / name)
    package = zipfile.ZipFile(io.BytesIO(data))
    names = package.namelist()
    assert [n for n in names if n.startswith("word/media/")] == ["word/media/image1.png"]
    assert len(names) == len(set(names))
    assert package.read("word/_rels/document.xml.rels").count(b"media/image1.png") == 1
    assert package.read("word/_rels/header1.xml.rels").count(b"media/image1.png") == 1
    ids = [shape._inline.docPr.id for shape in Document(io.BytesIO(data)).inline_shapes]
    assert ids == [1, 2]  # unique in the part, as Word wants


def test_word_truncated_png_is_a_template_error(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IDAT", b"x"))
    with pytest.raises(TemplateError, match="kan ikke læses"):
        build_document('<p><img src="logo.png"></p>', REFERENCE, resolve_asset=lambda name: tmp_path / name)
