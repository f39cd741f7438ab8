"""Shared fixtures: the default engine, the example cases, a click runner."""

from __future__ import annotations

import copy
import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from beredskab.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

# The per-user cache of compiled templates (generator/_template_cache.py) stays out of the suite:
# no test depends on it or writes into the user's home; tests/test_template_cache.py uses tmp folders.
os.environ["BEREDSKAB_CACHE"] = "off"

#: A fixed "today" so deadlines and 'not in the future' checks do not drift.
TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 12, 0)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="session")
def forms(engine):
    return engine.forms


@pytest.fixture
def phone_threat_data() -> dict:
    """The raw JSON of the bundled phone-threat example (a fresh copy per test)."""
    return json.loads((EXAMPLES / "trussel-telefon.json").read_text(encoding="utf-8"))


@pytest.fixture
def phone_threat(engine, phone_threat_data) -> dict:
    """The phone-threat example, validated and normalised."""
    return engine.validate(copy.deepcopy(phone_threat_data), now=NOW)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_case(tmp_path):
    """Write a dict as a case file and return its path."""

    def write(data: dict, name: str = "sag.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return write


#: Set (as CI does) to make the LibreOffice tests fail instead of skip when soffice is missing.
REQUIRE_LIBREOFFICE_ENV = "BEREDSKAB_REQUIRE_LIBREOFFICE"


def pytest_runtest_setup(item):
    """Skip tests marked ``libreoffice`` where LibreOffice is missing, unless CI requires it."""
    if item.get_closest_marker("libreoffice") is None:
        return
    from beredskab.output.pdf import find_soffice

    if find_soffice() is None:
        if os.environ.get(REQUIRE_LIBREOFFICE_ENV):
            pytest.fail(f"LibreOffice (soffice) is required ({REQUIRE_LIBREOFFICE_ENV} is set) but missing")
        pytest.skip("LibreOffice (soffice) is not installed")


@pytest.fixture
def make_pack(tmp_path):
    """Write a plan pack from {relative path: text or bytes} and return its folder."""

    def make(files: dict[str, str | bytes], name: str = "pack") -> Path:
        folder = tmp_path / name
        for relative, content in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        folder.mkdir(exist_ok=True)
        return folder

    return make


#: The bundled example cases by scenario: file name in examples/.
EXAMPLE_FILES = {
    "phone_threat": "trussel-telefon.json",
    "counter_violence": "vold-skranke.json",
    "harassment_ban": "chikane-forbud.json",
}


@pytest.fixture
def example_data():
    """Return the raw JSON of an example by scenario name (a fresh copy per call)."""

    def load(name: str) -> dict:
        return json.loads((EXAMPLES / EXAMPLE_FILES[name]).read_text(encoding="utf-8"))

    return load


@pytest.fixture
def example(engine, example_data):
    """Return an example case, validated and normalised, by scenario name."""

    def load(name: str) -> dict:
        return engine.validate(example_data(name), now=NOW)

    return load


# --- the case register ----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_user_register(tmp_path, monkeypatch):
    """No test touches the per-user register file: BEREDSKAB_DB points into the test's folder."""
    monkeypatch.setenv("BEREDSKAB_DB", str(tmp_path / "default-register.sqlite3"))
    monkeypatch.setenv("BEREDSKAB_USER", "testbruger")


@pytest.fixture
def db_path(tmp_path) -> Path:
    """Where a test's register file goes (a real SQLite file)."""
    return tmp_path / "register.sqlite3"


@pytest.fixture
def register(db_path, engine):
    """An open register on a fresh file, acting as the leader 'hbr', its clock at NOW."""
    from beredskab.register import Register

    with Register.open(db_path, engine=engine, user="hbr") as reg:
        reg.clock = lambda: NOW.astimezone()
        yield reg


def in_thread(function, timeout: float = 60):
    """Run ``function`` in a thread (as a web server does); return what it returned or raised.

    Fails the test when it has not finished after ``timeout`` seconds.
    """
    import threading

    outcome: list = []

    def run():
        try:
            outcome.append(function())
        except BaseException as err:  # noqa: BLE001 - the caller reads it
            outcome.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=timeout)
    assert not thread.is_alive(), "it never finished"
    return outcome[0]
