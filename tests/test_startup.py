"""Cold start: no command that writes documents or none imports python-docx (its import was the largest
item of a cold generate; issue 19)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_PROBE = """
import sys
from beredskab.cli.commands import cli
code = cli.main({args!r}, standalone_mode=False)
print("DOCX" if any(name == "docx" or name.startswith("docx.") for name in sys.modules) else "NO-DOCX")
"""


@pytest.mark.parametrize("args", [["--help"], ["forms"], ["batch", "--help"]], ids=["help", "forms", "batch-help"])
def test_startup_command_does_not_import_python_docx(args):
    result = subprocess.run([sys.executable, "-c", _PROBE.format(args=args)], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines()[-1] == "NO-DOCX"


def test_startup_generate_writes_documents_without_python_docx(tmp_path):
    """Issue 19: the Word writer makes the .docx with lxml alone."""
    from .conftest import EXAMPLES

    args = ["generate", str(EXAMPLES / "trussel-telefon.json"), "--out", str(tmp_path)]
    result = subprocess.run([sys.executable, "-c", _PROBE.format(args=args)], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines()[-1] == "NO-DOCX"
    assert list(tmp_path.glob("*/*.docx"))


def test_startup_probe_sees_python_docx_where_it_is_used(tmp_path):
    """The probe itself works: ``plan check`` reads the reference's styles with python-docx."""
    from .conftest import ROOT

    args = ["plan", "check", str(ROOT)]
    result = subprocess.run([sys.executable, "-c", _PROBE.format(args=args)], capture_output=True, text=True)
    assert result.stdout.splitlines()[-1] == "DOCX", result.stderr
