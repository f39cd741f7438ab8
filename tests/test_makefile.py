"""`make example`: only what the example needs, nothing needless said; an unsupported Python named. Issue #16."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A folder that looks like the repository to make (its Makefile, setup files and examples)."""
    for name in ("Makefile", "setup.cfg", "pyproject.toml", "examples"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def make(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", *args], cwd=folder, capture_output=True, text=True, env=env, timeout=120)


def fake_venv(folder: Path, python: str) -> Path:
    """A .venv whose python is ``python`` (a script) and whose beredskab is this test run's."""
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(python)
    (bin_dir / "beredskab").write_text(f'#!/bin/sh\nBEREDSKAB_CACHE=off exec {sys.executable} -m beredskab "$@"\n')
    for program in bin_dir.iterdir():
        program.chmod(0o755)
    return folder / ".venv"


OLD_PYTHON = '#!/bin/sh\ncase "$1" in -V|--version) echo "Python 3.9.2";; *) exit 1;; esac\n'


def test_make_example_installs_beredskab_without_the_test_extras(checkout):
    plan = make(checkout, "-n", "example", "VENV=fresh")
    assert plan.returncode == 0, plan.stderr
    installs = [line for line in plan.stdout.splitlines() if "pip install" in line and "--upgrade pip" not in line]
    assert len(installs) == 1 and installs[0].endswith(" -e .") and "[test]" not in plan.stdout


def test_make_example_says_nothing_but_the_documents_it_wrote(checkout):
    venv = fake_venv(checkout, f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    time.sleep(0.01)
    (venv / ".installed-run").touch()  # installed already: the run itself is what is heard
    result = make(checkout, "example")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert [line.split("_", 1)[0] for line in result.stdout.splitlines()] == \
        ["Skrevet: output/KME-2026-031/KME-2026-031"] * len(result.stdout.splitlines())
    assert (checkout / "output" / "KME-2026-031" / "KME-2026-031_incident_note.docx").is_file()


def test_make_with_a_venv_of_an_unsupported_python_says_so(checkout):
    fake_venv(checkout, OLD_PYTHON)
    result = make(checkout, "example")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        "Fejl: .venv/bin/python er Python 3.9.2, men beredskab kræver Python 3.11 eller nyere; "
        "slet .venv (make clean) og kør igen med fx PYTHON=python3.11")
    assert not (checkout / "output").exists()


def test_make_with_an_unsupported_python_makes_no_venv(checkout, tmp_path):
    old = tmp_path / "python3.9"
    old.write_text(OLD_PYTHON)
    old.chmod(0o755)
    result = make(checkout, "example", f"PYTHON={old}")
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (
        f"Fejl: {old} er Python 3.9.2, men beredskab kræver Python 3.11 eller nyere; kør igen med fx PYTHON=python3.11")
    assert not (checkout / ".venv").exists()
