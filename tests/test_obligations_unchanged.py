"""The default pack's `check` output and documents, compared with texts captured before issue 17.

Issue 17 moved the plan's obligations (checklist items, deadlines, document conditions,
the Safetynet mapping) from Python into plan.yaml. The default pack must still say exactly
what it said before for the example cases: this test runs `beredskab check` and renders every
document of each case (and of a few variants that reach the other branches of the rules) at
fixed days, reads the .docx back and compares with tests/data/golden/.

Issue 15 changed the output on purpose (deadlines by case shape, per-person notes, the ban's
draft marking, the Danish); the captured texts were updated then. A deliberate change of the
default plan's output updates the captured texts:
``BEREDSKAB_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_obligations_unchanged.py``
(then review the diff with ``git diff tests/data/golden``).
"""

from __future__ import annotations

import copy
import io
import json
import os
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from beredskab.cli.commands import cli
from beredskab.errors import BeredskabError

from .conftest import DATA, EXAMPLES, NOW

GOLDEN = DATA / "golden"
UPDATE = os.environ.get("BEREDSKAB_UPDATE_GOLDEN") == "1"

#: Days the check output is captured at: before, around and long after the examples' deadlines.
CHECK_DAYS = ("2026-11-19", "2026-11-26", "2027-06-01")
#: The day the documents are rendered at.
DOCUMENT_DAY = date(2026, 11, 26)


def _no_hearing(data: dict) -> None:
    del data["ban"]["hearing"]


def _sick_leave(data: dict) -> None:
    data["incident"]["affected_employees"][0]["sick_leave"] = {"has_leave": True, "first_day": "2026-11-18", "days": 3}


def _reported(data: dict) -> None:
    data["incident"]["police"] = {"reported": True, "reported_at": "2026-11-17T12:00", "reported_by": "leader"}


def _nothing_done(data: dict) -> None:
    data.pop("support", None)
    data.pop("followup", None)
    for key in ("leader_notified", "employees_gathered_at", "safety_organisation_informed_at", "debriefing_at"):
        data["incident"].pop(key, None)


def _colleague(data: dict) -> None:
    data["incident"]["perpetrator"] = {"kind": "colleague"}


#: Case name -> (example file, change to its data). The variants reach the rules' other branches.
CASES = {
    "trussel-telefon": ("trussel-telefon.json", None),
    "vold-skranke": ("vold-skranke.json", None),
    "chikane-forbud": ("chikane-forbud.json", None),
    "forbud-uden-hoering": ("chikane-forbud.json", _no_hearing),
    "trussel-sygefravaer": ("trussel-telefon.json", _sick_leave),
    "trussel-anmeldt": ("trussel-telefon.json", _reported),
    "trussel-intet-gjort": ("trussel-telefon.json", _nothing_done),
    "vold-kollega": ("vold-skranke.json", _colleague),
}


def case_data(name: str) -> dict:
    file, change = CASES[name]
    data = json.loads((EXAMPLES / file).read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    return data


def docx_text(data: bytes) -> str:
    """Every paragraph and table row of a .docx (body, then headers and footers), in order."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []

    def block_lines(element) -> None:
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                lines.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
            elif child.tag == qn("w:tbl"):
                for row in child.iter(qn("w:tr")):
                    cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in row.iter(qn("w:tc"))]
                    lines.append(" | ".join(cells))

    block_lines(document.element.body)
    for section in document.sections:
        for part in (section.header, section.footer):
            lines.append("--")
            block_lines(part._element)
    return "\n".join(lines) + "\n"


def compare(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no captured text {path.relative_to(DATA)}; run with BEREDSKAB_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual.splitlines() == expected.splitlines(), f"{path.relative_to(DATA)} changed"


#: (day, case) where the case records something after that day (the ban signed on 20 November):
#: ``--today`` is "now" for the whole run, so check refuses it as lying in the future (issue 15).
FROM_THE_FUTURE = {("2026-11-19", "chikane-forbud"), ("2026-11-19", "forbud-uden-hoering")}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("day", CHECK_DAYS)
def test_check_output_is_unchanged(runner, tmp_path, name, day):
    path = tmp_path / "sag.json"
    path.write_text(json.dumps(case_data(name), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["check", str(path), "--today", day])
    if (day, name) in FROM_THE_FUTURE:
        assert result.exit_code == 2
        assert "ligger i fremtiden (i dag er 19. november 2026)" in result.output
        return
    assert result.exit_code == 0, result.output
    compare(GOLDEN / name / f"check-{day}.txt", result.output)


@pytest.mark.parametrize("name", CASES)
def test_documents_are_unchanged(engine, name):
    case = engine.validate(copy.deepcopy(case_data(name)), now=NOW)
    evaluation = engine.evaluate(case, DOCUMENT_DAY)
    for document in engine.documents():
        try:
            text = docx_text(engine.render(case, document, DOCUMENT_DAY, evaluation))
        except BeredskabError as err:  # e.g. the visit ban of a case without a ban
            text = f"(kan ikke dannes: {type(err).__name__})\n"
        compare(GOLDEN / name / f"{document}.txt", text)
