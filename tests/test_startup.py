"""Cold start: commands that write no document do not import python-docx."""

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


def test_startup_generate_does_import_python_docx(tmp_path):
    """The probe itself works: a command that writes Word loads python-docx."""
    from .conftest import EXAMPLES

    args = ["generate", str(EXAMPLES / "trussel-telefon.json"), "--out", str(tmp_path)]
    result = subprocess.run([sys.executable, "-c", _PROBE.format(args=args)], capture_output=True, text=True,
                            check=True)
    assert result.stdout.splitlines()[-1] == "DOCX"
