"""Build the letterhead of the example pack examples/plans/jobcenter: its logo and reference.docx.

Run from the repository root::

    .venv/bin/python scripts/build_example_pack.py

The logo is a green square with a white bar (drawn with the stdlib, like
``make_logo.py``). The reference document is the default one restyled the way a
department would do it in Word: dark green headings and the letterhead line in
green; the style *names* stay, since ``generator/word.py`` relies only on them.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.shared import RGBColor

ROOT = Path(__file__).resolve().parent.parent

from beredskab.word.oxml_reference import package_bytes
from scripts.make_logo import png

PACK = ROOT / "examples" / "plans" / "jobcenter" / "templates"
SIZE = 200
GREEN = RGBColor(0x1E, 0x6B, 0x3A)


def logo() -> bytes:
    """A green rounded square with a white horizontal bar."""
    rows = []
    for y in range(SIZE):
        row = bytearray()
        for x in range(SIZE):
            inside = 8 <= x < SIZE - 8 and 8 <= y < SIZE - 8
            bar = inside and 85 <= y < 115 and 40 <= x < SIZE - 40
            row += bytes((255, 255, 255, 255) if bar else (*GREEN, 255) if inside else (0, 0, 0, 0))
        rows.append(bytes(row))
    return png(SIZE, SIZE, rows)


def reference() -> bytes:
    """The default reference.docx with green headings and letterhead."""
    document = Document(BytesIO((ROOT / "templates" / "reference.docx").read_bytes()))
    for name in ("Heading 1", "Heading 2", "Heading 3", "Beredskab Brevhoved"):
        document.styles[name].font.color.rgb = GREEN
    return package_bytes(document)


def main() -> None:
    for name, data in (("logo.png", logo()), ("reference.docx", reference())):
        target = PACK / name
        target.write_bytes(data)
        print(f"Skrevet: {target} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
