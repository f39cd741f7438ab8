"""The reference .docx read once per reference, kept in the private cache folder between processes
(issue 19): a new process takes it from there without lxml, with the same document as a first read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "templates" / "reference.docx"
JOBCENTER = ROOT / "examples" / "plans" / "jobcenter" / "templates" / "reference.docx"

_PROBE = """
import sys
from datetime import datetime
from pathlib import Path
from beredskab.word.writer import build_document
html = '<div class="header"><p>Brevhoved</p></div><h1>Notat</h1><ol><li>en</li></ol><p>Tekst</p>'
data = build_document(html, Path(sys.argv[1]), properties={"title": "T", "created": datetime(2026, 1, 2)})
Path(sys.argv[2]).write_bytes(data)
print("LXML" if "lxml" in sys.modules else "NO-LXML")
"""


def _build(cache: Path, reference: Path, out: Path) -> str:
    """Build a document in a new process with the cache folder ``cache``; what it imported."""
    env = {"BEREDSKAB_CACHE": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(cache.parent)}
    result = subprocess.run([sys.executable, "-c", _PROBE, str(reference), str(out)], capture_output=True, text=True,
                            env=env, check=True)
    return result.stdout.strip()


def test_word_reference_is_read_once_and_then_taken_from_the_cache_without_lxml(tmp_path):
    cache = tmp_path / "cache"
    assert _build(cache, REFERENCE, tmp_path / "first.docx") == "LXML"
    assert len(list(cache.glob("reference-*.marshal"))) == 1
    assert _build(cache, REFERENCE, tmp_path / "second.docx") == "NO-LXML"
    assert (tmp_path / "first.docx").read_bytes() == (tmp_path / "second.docx").read_bytes()


def test_word_reference_cache_is_by_content_and_a_damaged_entry_is_read_again(tmp_path):
    cache = tmp_path / "cache"
    _build(tmp_path / "fresh", JOBCENTER, tmp_path / "uncached.docx")  # read in a cache of its own
    _build(cache, REFERENCE, tmp_path / "default.docx")
    _build(cache, JOBCENTER, tmp_path / "jobcenter.docx")  # another reference: its own entry
    assert (tmp_path / "jobcenter.docx").read_bytes() == (tmp_path / "uncached.docx").read_bytes()
    entries = sorted(cache.glob("reference-*.marshal"))
    assert len(entries) == 2
    for entry in entries:
        entry.write_bytes(b"\x00 not marshal data")
    assert _build(cache, JOBCENTER, tmp_path / "again.docx") == "LXML"
    assert (tmp_path / "again.docx").read_bytes() == (tmp_path / "uncached.docx").read_bytes()
    assert _build(cache, JOBCENTER, tmp_path / "cached.docx") == "NO-LXML"  # the damaged entry was replaced


def test_word_reference_whose_parts_are_not_word_s_is_a_template_error(tmp_path):
    """A part the cleaning keeps (by name) but that holds something else is one Danish line, not a traceback."""
    import io
    import zipfile

    import pytest

    from beredskab.errors import TemplateError
    from beredskab.word.writer import build_document

    source = zipfile.ZipFile(REFERENCE)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":  # a body without its section
                data = data.replace(b"<w:sectPr", b"<w:notSectPr").replace(b"</w:sectPr>", b"</w:notSectPr>")
            target.writestr(info, data)
    reference = tmp_path / "reference.docx"
    reference.write_bytes(broken.getvalue())
    with pytest.raises(TemplateError, match="Referencedokumentet 'reference.docx' mangler sideopsætningen"):
        build_document("<p>x</p>", reference)
