"""The cold baseline: a fresh Python process that renders and saves N incident notes with docxtpl.

``python bench/docxtpl_generate.py TEMPLATE CONTEXT.json OUT_DIR N`` opens the
docxtpl template (built by ``docxtpl_note.build_template``), renders it with the
context (made beforehand by ``docxtpl_note.context`` and saved as JSON, so this
process does none of beredskab's work) and saves ``OUT_DIR/note-<i>.docx``, N times.
``bench/run.py`` times it against a cold ``beredskab generate`` writing as many documents.
"""

import json
import sys
from pathlib import Path

from docxtpl import DocxTemplate


def main(template: str, context_file: str, out_dir: str, count: int) -> None:
    context = json.loads(Path(context_file).read_text(encoding="utf-8"))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        document = DocxTemplate(template)  # a docxtpl template renders once
        document.render(context, autoescape=True)
        document.save(str(out / f"note-{number}.docx"))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: python bench/docxtpl_generate.py TEMPLATE CONTEXT.json OUT_DIR N")
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
