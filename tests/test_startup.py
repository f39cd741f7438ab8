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


_HEAP_PROBE = """
import gc, sys
default = gc.get_threshold()
sys.argv = ["beredskab", *{args!r}]
from beredskab.cli import main, _heap
held = [gc.get_threshold()]
settle = _heap.settle
def settle_seen():  # the threshold the command started under, where it settles
    held[0] = gc.get_threshold()
    settle()
_heap.settle = settle_seen
try:
    main()
except SystemExit as exit_:
    assert exit_.code in (0, None), exit_.code
print(default[0], held[0][0], gc.get_threshold()[0], gc.get_freeze_count())
"""


def _heap_after(args: list[str]) -> tuple[int, int, int, int]:
    result = subprocess.run([sys.executable, "-c", _HEAP_PROBE.format(args=args)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    default, held, after, frozen = map(int, result.stdout.splitlines()[-1].split())
    return default, held, after, frozen


def test_startup_console_entry_holds_collection_and_generate_settles_it(tmp_path):
    """Issue 19: the cyclic collector is held off while a command starts, and once the engine is
    loaded its objects are frozen out of later passes and collection runs as usual again."""
    from beredskab.cli import _heap
    from .conftest import EXAMPLES

    default, held, after, frozen = _heap_after(["generate", str(EXAMPLES / "trussel-telefon.json"),
                                                "--out", str(tmp_path)])
    assert list(tmp_path.glob("*/*.docx"))
    assert held == _heap.HELD_THRESHOLD != default
    assert after == default
    assert frozen > 10_000  # the modules and the engine


def test_startup_batch_settles_collection(tmp_path):
    from .conftest import EXAMPLES

    cases = tmp_path / "cases.jsonl"
    cases.write_text((EXAMPLES / "trussel-telefon.json").read_text(encoding="utf-8").replace("\n", " ") + "\n",
                     encoding="utf-8")
    default, held, after, frozen = _heap_after(["batch", str(cases), "--jobs", "1", "--out", str(tmp_path / "out")])
    assert after == default and frozen > 10_000
    assert list((tmp_path / "out").glob("*/*.docx"))


def test_startup_command_without_an_engine_still_collects():
    """A command that never loads an engine keeps a high but finite threshold: cycles are still collected."""
    from beredskab.cli import _heap

    default, held, after, frozen = _heap_after(["--version"])
    assert after == _heap.HELD_THRESHOLD and frozen == 0


def test_startup_console_script_is_the_holding_entry():
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "beredskab"]
    assert script.value == "beredskab.cli:main", "an older install: run `pip install -e .` again (setup.cfg)"
