"""Render pages of the example documents to PNG for docs/ (LibreOffice + poppler's pdftoppm).

Run from the repository root::

    .venv/bin/python scripts/render_pages.py [DPI]

Each document of each example case is converted to PDF in memory and its pages
written as ``docs/<document>-<page>.png``. Look at them after changing a template
or the reference document: it is the quickest way to see what a clerk will see.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from beredskab.output import pdf
from beredskab.engine import Engine

DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"


def main(argv: list[str]) -> int:
    dpi = int(argv[1]) if len(argv) > 1 else 72
    engine = Engine.load()
    DOCS.mkdir(exist_ok=True)
    for example in sorted(EXAMPLES.glob("*.json")):
        case = engine.validate(json.loads(example.read_text(encoding="utf-8")))
        names = engine.select(case)
        documents = {f"{name}.docx": engine.render(case, name, today=date.today()) for name in names}
        with tempfile.TemporaryDirectory() as folder:
            for name, data in pdf.convert(documents, pdfa=False).items():
                source = Path(folder) / name
                source.write_bytes(data)
                subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(source), str(DOCS / source.stem)], check=True)
    for page in sorted(DOCS.glob("*.png")):
        print(f"{page.relative_to(ROOT)}: {page.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
