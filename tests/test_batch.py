"""Batch generation: folders and JSON Lines, partial failure, summary, jobs give the same files."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from beredskab.cli.batch import Summary, count_cases, iter_sources, run_batch
from beredskab.cli.commands import cli
from beredskab.errors import CaseError

from .conftest import NOW, TODAY


#: The documents the phone-threat example (the base of every case here) calls for.
PHONE_THREAT_DOCUMENTS = ("checklist", "incident_note", "personnel_file_note_1", "safetynet_summary")
PER_CASE = len(PHONE_THREAT_DOCUMENTS)

def _case(data: dict, case_id: str, **incident) -> dict:
    case = json.loads(json.dumps(data))
    case["incident"].update(case_id=case_id, **incident)
    return case


@pytest.fixture
def case_folder(tmp_path, phone_threat_data) -> Path:
    """Three good cases and one with an empty location (c.json), as files in a folder."""
    folder = tmp_path / "sager"
    folder.mkdir()
    for name, case in {
        "a.json": _case(phone_threat_data, "B-1"),
        "b.json": _case(phone_threat_data, "B-2"),
        "c.json": _case(phone_threat_data, "B-3", location=""),
        "d.json": _case(phone_threat_data, "B-4"),
    }.items():
        (folder / name).write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    (folder / "noter.txt").write_text("ikke en sag", encoding="utf-8")  # only *.json are cases
    return folder


@pytest.fixture
def case_lines(tmp_path, phone_threat_data) -> Path:
    """JSON Lines: good cases on lines 1 and 4, a blank line 2, broken JSON on 3, a bad case on 5."""
    path = tmp_path / "sager.jsonl"
    lines = [
        json.dumps(_case(phone_threat_data, "L-1"), ensure_ascii=False),
        "",
        '{"incident": {"case_id": "L-X" "location": "Kontoret"}}',
        json.dumps(_case(phone_threat_data, "L-2"), ensure_ascii=False),
        json.dumps(_case(phone_threat_data, "L-3", description=""), ensure_ascii=False),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _written(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for p in out.rglob("*.docx"))


def test_batch_folder_writes_every_good_case_and_summarises(runner, case_folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(case_folder), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"3 af 4 sager færdige, {3 * PER_CASE} dokumenter skrevet i {out}.",
        "1 sag afvist:",
        f"  {case_folder / 'c.json'}: Felt 'Sted' (incident.location): må ikke være tom",
    ]
    assert _written(out) == [f"B-{n}/B-{n}_{doc}.docx" for n in (1, 2, 4) for doc in PHONE_THREAT_DOCUMENTS]
    text = "\n".join(p.text for t in docx.Document(str(out / "B-2" / "B-2_incident_note.docx")).tables
                     for row in t.rows for p in row.cells[1].paragraphs)
    assert "B-2" in text


def test_batch_all_good_exits_0(runner, case_folder, tmp_path):
    (case_folder / "c.json").unlink()
    result = runner.invoke(cli, ["batch", str(case_folder), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"3 af 3 sager færdige, {3 * PER_CASE} dokumenter skrevet i {tmp_path / 'out'}."]


def test_batch_json_lines_names_the_line_of_each_refused_case(runner, case_lines, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(case_lines), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"2 af 4 sager færdige, {2 * PER_CASE} dokumenter skrevet i {out}.",
        "2 sager afvist:",
        f"  {case_lines}, linje 3: ugyldig JSON: mangler et komma (kolonne 32)",
        f"  {case_lines}, linje 5: Felt 'Beskrivelse af hændelsen' (incident.description): må ikke være tom",
    ]
    assert _written(out) == [f"L-{n}/L-{n}_{doc}.docx" for n in (1, 2) for doc in PHONE_THREAT_DOCUMENTS]


def test_batch_prints_one_plain_progress_line_per_case_when_not_a_tty(runner, case_lines, tmp_path):
    result = runner.invoke(cli, ["batch", str(case_lines), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert result.stderr.splitlines() == [
        f"[1/4] {case_lines}, linje 1: {PER_CASE} dokumenter",
        f"[2/4] {case_lines}, linje 3: afvist",
        f"[3/4] {case_lines}, linje 4: {PER_CASE} dokumenter",
        f"[4/4] {case_lines}, linje 5: afvist",
    ]


def test_batch_progress_lines_carry_no_terminal_codes_from_a_file_name(runner, tmp_path, phone_threat_data):
    folder = tmp_path / "sager"
    folder.mkdir()
    (folder / "a\x1b[31mb.json").write_text(json.dumps(_case(phone_threat_data, "E-1")), encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1",
                                 "--doc", "incident_note"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"[1/1] {folder / 'ab.json'}: 1 dokument"]


def test_batch_one_and_two_jobs_write_the_same_documents(case_folder, tmp_path):
    texts = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        outcomes = list(run_batch(case_folder, out, jobs=jobs, today=TODAY, now=NOW))
        assert [o.index for o in outcomes] == [0, 1, 2, 3]  # the input's order, whatever finished first
        assert [o.refused for o in outcomes] == [False, False, True, False]
        texts[jobs] = {
            name: [p.text for p in docx.Document(str(out / name)).paragraphs] for name in _written(out)
        }
    assert list(texts[1]) == [f"B-{n}/B-{n}_{doc}.docx" for n in (1, 2, 4) for doc in PHONE_THREAT_DOCUMENTS]
    assert texts[1] == texts[2]


def test_batch_refuses_existing_documents_without_force_and_replaces_them_with_it(case_folder, tmp_path):
    (case_folder / "c.json").unlink()
    out = tmp_path / "out"
    list(run_batch(case_folder, out, jobs=1, today=TODAY, now=NOW))
    again = list(run_batch(case_folder, out, jobs=1, today=TODAY, now=NOW))
    assert all(o.refused for o in again)
    assert again[0].problems[0].startswith("findes allerede og bliver ikke overskrevet")
    forced = list(run_batch(case_folder, out, jobs=1, force=True, today=TODAY, now=NOW))
    assert not any(o.refused for o in forced)


def test_batch_doc_option_limits_the_documents(case_folder, tmp_path):
    outcomes = list(run_batch(case_folder, tmp_path / "out", ["incident_note"], jobs=1, today=TODAY, now=NOW))
    assert [len(o.written) for o in outcomes] == [1, 1, 0, 1]


def test_batch_unknown_document_is_refused_before_any_case(runner, case_folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(case_folder), "--out", str(out), "--doc", "findes_ikke"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: dokumentet 'findes_ikke' findes ikke")
    assert not out.exists()


@pytest.mark.parametrize("name, reason", [
    ("mangler", "findes ikke"),
    ("sag.json", "skal være en mappe med sagsfiler (*.json) eller en JSON Lines-fil (.jsonl)"),
], ids=["missing", "single-json-file"])
def test_batch_refuses_input_that_is_no_folder_or_json_lines(runner, tmp_path, name, reason):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text("{}", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == f"Fejl: {reason} ({path})\n"


def test_batch_jobs_must_be_at_least_one(runner, case_folder):
    result = runner.invoke(cli, ["batch", str(case_folder), "--jobs", "0"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fejl: ugyldig værdi for --jobs: skal være mindst 1")


def test_batch_count_cases_and_sources_skip_blank_lines_and_other_files(case_folder, case_lines):
    assert count_cases(case_folder) == 4
    assert count_cases(case_lines) == 4
    assert [(s.index, s.line) for s in iter_sources(case_lines)] == [(0, 1), (1, 3), (2, 4), (3, 5)]
    with pytest.raises(CaseError):
        count_cases(case_folder / "noter.txt")


def test_batch_summary_counts_singular_and_plural():
    summary = Summary("out")
    assert summary.lines() == ["0 af 0 sager færdige, 0 dokumenter skrevet i out."]
    assert summary.exit_code == 0
