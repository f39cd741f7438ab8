"""Benchmark beredskab on this machine against docxtpl: what a user waits for, end to end.

Run from the repository root after ``pip install -e '.[bench]'``::

    python bench/run.py                                   # the full run recorded in bench/README.md
    python bench/run.py --cases 100 --memory-cases 2000 --repeat 3   # a quick look

It measures, in one run, each pair in turn (A B A B ...) so load elsewhere on the
machine hits both alike, and quotes medians:

1. **batch, end to end**: ``beredskab batch cases.jsonl --doc incident_note --jobs 1``
   over N copies of an example case (a new process: start-up, validation, rules,
   render, write, manifest), in wall time per case, against a new Python process in which
   docxtpl renders *and saves* the same note N times (``bench/docxtpl_generate.py``);
2. **render alone**, in-process: ``Engine.render`` (Jinja, HTML walk, .docx bytes) against
   docxtpl rendering and saving to bytes, and the validation of a case (``Engine.validate``),
   in CPU time of the process (best round);
3. **cold generate**: ``beredskab generate`` of each example (all of its documents, a new
   process, the template cache filled by a first run) against the docxtpl script making
   as many notes;
4. **jobs**: ``batch --jobs 1`` and ``--jobs 2`` over the examples (all documents), and
5. **memory**: the peak resident memory of the largest process of a ``--jobs 2`` batch
   over 1,000 and over ``--memory-cases`` cases (flat when the two are alike);
6. the case register: ``beredskab cases import`` of N case files (one process), then,
   over 10,000 cases, ``overdue`` and ``stats`` in-process (the query and counting,
   best of 5) and as commands (a new process, median of 5); ``--only register`` runs this alone;
7. ms per rules evaluation of a case and per reading of the plan's obligations (once a pack).

The headline is the ratio of 1 and of 3. beredskab's own modules are byte-compiled first
(``compileall``), as an installation does: this machine sets PYTHONDONTWRITEBYTECODE, so
an editable install would otherwise compile them in every new process.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

TODAY = date(2026, 11, 26)
EXAMPLE = ROOT / "examples" / "trussel-telefon.json"

#: Runs a command in a fresh child and prints its exit code, wall seconds, CPU seconds and peak
#: memory (KB): RUSAGE_CHILDREN of this probe holds that command's processes only.
_PROBE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - start\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)\n"
)


def _beredskab() -> list[str]:
    """The installed console script next to this Python, else the module entry point."""
    script = Path(sys.executable).parent / "beredskab"
    return [str(script)] if script.exists() else [sys.executable, "-m", "beredskab"]


def _run(command: list[str]) -> dict[str, float]:
    """Wall and CPU seconds and peak memory (MB, largest process) of one run of ``command``."""
    result = subprocess.run([sys.executable, "-c", _PROBE, *map(str, command)], capture_output=True, text=True,
                            check=True)
    code, wall, cpu, max_rss_kb = result.stdout.split()
    if code != "0":
        raise SystemExit(f"exit code {code}: {' '.join(map(str, command))}")
    return {"wall": float(wall), "cpu": float(cpu), "peak_mb": int(max_rss_kb) / 1024}


def _paired(a, b, repeat: int) -> tuple[list[dict], list[dict]]:
    """``repeat`` runs of each of two commands in turn (A B A B ...); ``a``/``b`` make a fresh command."""
    runs_a, runs_b = [], []
    for _ in range(repeat):
        runs_a.append(_run(a()))
        runs_b.append(_run(b()))
    return runs_a, runs_b


def _median(runs: list[dict], key: str = "wall") -> float:
    return statistics.median(run[key] for run in runs)


class Baseline:
    """The docxtpl side: the template and its context (formatted once, by beredskab's filters)."""

    def __init__(self, folder: Path):
        import docxtpl_note
        from beredskab import Engine

        engine = Engine.load()
        case = engine.load_case(EXAMPLE)
        self.template = docxtpl_note.build_template(folder / "incident_note_docxtpl.docx")
        self.context = docxtpl_note.context(engine, case.data, TODAY)
        self.context_file = folder / "context.json"
        self.context_file.write_text(json.dumps(self.context, ensure_ascii=False), encoding="utf-8")

    def command(self, out: Path, count: int) -> list:
        """A new Python process rendering and saving ``count`` notes into ``out``."""
        return [sys.executable, BENCH / "docxtpl_generate.py", self.template, self.context_file, out, count]


def _fresh(folder: Path) -> Path:
    """A new, not yet existing output folder under ``folder`` for each run."""
    return Path(tempfile.mkdtemp(dir=folder)) / "out"


def batch_end_to_end(baseline: Baseline, tmp: Path, cases: int, repeat: int) -> dict:
    """Wall ms per case of ``batch --jobs 1`` (incident note) against the docxtpl script (1)."""
    jsonl = tmp / "incident.jsonl"
    write_jsonl(jsonl, cases, [json.loads(EXAMPLE.read_text(encoding="utf-8"))])
    ours, theirs = _paired(
        lambda: [*_beredskab(), "batch", jsonl, "--doc", "incident_note", "--jobs", "1", "--out", _fresh(tmp)],
        lambda: baseline.command(_fresh(tmp), cases), repeat)
    return {"beredskab": _median(ours) / cases * 1000, "docxtpl": _median(theirs) / cases * 1000,
            "beredskab_cpu": _median(ours, "cpu") / cases * 1000, "docxtpl_cpu": _median(theirs, "cpu") / cases * 1000}


def in_process(baseline: Baseline, count: int) -> dict[str, float]:
    """ms per incident note rendered in-process, and per validation of the example (2)."""
    from docxtpl import DocxTemplate

    from beredskab import Engine

    engine = Engine.load()
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case = engine.validate(data)

    def docxtpl_once() -> bytes:
        document = DocxTemplate(str(baseline.template))
        document.render(baseline.context, autoescape=True)
        out = BytesIO()
        document.save(out)
        return out.getvalue()

    timings = _ms_per_call({"beredskab": lambda: engine.render(case, "incident_note", TODAY),
                            "docxtpl": docxtpl_once}, count)
    timings["validate"] = _ms_per_call({"validate": lambda: engine.validate(data)}, count * 4)["validate"]
    return timings


def rules(count: int) -> dict[str, float]:
    """ms per rules evaluation of a case (checklist, deadlines, documents; per case in batch and per
    register save), and ms to read and check the plan's obligations (once per pack load)."""
    from beredskab.engine import Engine
    from beredskab.rules.obligations import load

    engine = Engine.load()
    case = engine.load_case(ROOT / "examples" / "chikane-forbud.json")
    return _ms_per_call({
        "evaluate": lambda: engine.evaluate(case, TODAY),
        "load": lambda: load(engine.settings, engine.forms.schema),
    }, count)


def _ms_per_call(functions: dict, count: int, rounds: int = 5) -> dict[str, float]:
    """The best of ``rounds`` rounds of ``count`` calls, in CPU ms per call (this process's CPU
    time: on a shared machine, wall time counts the waits for a core too); rounds alternate between
    the functions, so a burst of load elsewhere on the machine hits both alike."""
    for function in functions.values():
        for _ in range(3):  # warm up: imports, caches
            function()
    best = {name: float("inf") for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.process_time()
            for _ in range(count):
                function()
            best[name] = min(best[name], (time.process_time() - start) / count * 1000)
    return best


def cold_generate(baseline: Baseline, tmp: Path, repeat: int) -> dict[str, dict]:
    """A new ``beredskab generate`` process per example against the docxtpl script making as many
    notes (3); the first run fills the template cache and is reported on its own."""
    results = {}
    for example in sorted((ROOT / "examples").glob("*.json")):
        first_out = _fresh(tmp)
        first = _run([*_beredskab(), "generate", example, "--out", first_out])
        documents = sum(1 for _ in first_out.rglob("*.docx"))
        ours, theirs = _paired(lambda: [*_beredskab(), "generate", example, "--out", _fresh(tmp)],
                               lambda: baseline.command(_fresh(tmp), documents), repeat)
        results[example.name] = {
            "documents": documents, "first": first["wall"], "beredskab": _median(ours),
            "cpu": _median(ours, "cpu"), "docxtpl": _median(theirs),
            "ratio": statistics.median(a["wall"] / b["wall"] for a, b in zip(ours, theirs)),
        }
    return results


def write_jsonl(path: Path, count: int, examples: list[dict]) -> None:
    """``count`` cases made from ``examples`` in turn, each with its own case number, one per line."""
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            case = examples[number % len(examples)]
            case["incident"]["case_id"] = f"BENCH-{number:05d}"
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")


def make_cases(folder: Path, count: int) -> None:
    """``count`` case files made from the examples in turn, each with its own case number."""
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        case = examples[number % len(examples)]
        case["incident"]["case_id"] = f"BENCH-{number:05d}"
        (folder / f"sag-{number:05d}.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")


def _clone_cases(db: Path, total: int) -> int:
    """Grow the register to ``total`` cases: copies of its cases (versions, tasks) under new case
    numbers, as if imported; the engine's work per case is measured by the import already."""
    import sqlite3

    conn = sqlite3.connect(db)
    have = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    with conn:
        for copy in range(1, -(-total // have)):
            suffix = f"-K{copy:02d}"
            conn.execute("INSERT INTO cases SELECT id || ?, created_at, created_by, current_version, closed_at, "
                         "closed_by FROM cases WHERE id NOT LIKE '%-K%'", (suffix,))
            conn.execute("INSERT INTO versions SELECT case_id || ?, version, saved_at, saved_by, reason, valid, "
                         "problems, data, data_sha256, next_due FROM versions WHERE case_id NOT LIKE '%-K%'", (suffix,))
            conn.execute("INSERT INTO tasks SELECT case_id || ?, version, position, item_id, what, who, due, due_text, "
                         "done FROM tasks WHERE case_id NOT LIKE '%-K%'", (suffix,))
    count = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    conn.close()
    return count


def register(cases: int, big: int = 10_000, repeat: int = 5) -> dict[str, float]:
    """Seconds to import ``cases`` files with one `cases import`; then, over ``big`` cases, the
    best in-process time of `overdue` and `stats` and the median wall time of each command."""
    from beredskab.register import Register
    from beredskab.register.overview import overdue
    from beredskab.register.stats import stats

    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "sager", Path(tmp) / "register.sqlite3"
        make_cases(folder, cases)
        files = sorted(str(p) for p in folder.glob("*.json"))
        start = time.perf_counter()
        subprocess.run([*_beredskab(), "cases", "import", *files, "--db", str(db)], check=True,
                       stdout=subprocess.DEVNULL)
        imported = time.perf_counter() - start
        total = _clone_cases(db, big)
        timings: dict[str, float] = {"import": imported, "cases": total}
        with Register.open(db, user="bench") as reg:
            calls = {"overdue": lambda: overdue(reg, TODAY, within=7),
                     "stats": lambda: stats(reg, date(2026, 1, 1), date(2026, 12, 31))}
            for name, call in calls.items():
                call()  # warm up: imports, the engine (stats reads the choice labels)
                runs = []
                for _ in range(repeat):
                    begin = time.perf_counter()
                    call()
                    runs.append(time.perf_counter() - begin)
                timings[f"{name}_in_process"] = min(runs)
        commands = {"overdue": ["overdue", "--today", TODAY.isoformat(), "--within", "7"],
                    "stats": ["stats", "--year", "2026"]}
        for name, args in commands.items():
            runs = []
            for _ in range(repeat):
                begin = time.perf_counter()
                subprocess.run([*_beredskab(), *args, "--db", str(db)], check=True, stdout=subprocess.DEVNULL)
                runs.append(time.perf_counter() - begin)
            timings[f"{name}_command"] = statistics.median(runs)
    return timings


def batch(tmp: Path, jsonl: Path, jobs: int, names: tuple[str, ...] = ()) -> dict:
    """Documents per second and peak memory of one ``beredskab batch`` run (4, 5)."""
    out = _fresh(tmp)
    doc_options = [option for name in names for option in ("--doc", name)]
    run = _run([*_beredskab(), "batch", jsonl, *doc_options, "--jobs", str(jobs), "--out", out])
    documents = sum(1 for _ in out.rglob("*.docx"))
    return {**run, "documents": documents, "per_second": documents / run["wall"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100, help="incident notes per in-process timing round")
    parser.add_argument("--cases", type=int, default=300, help="cases in the end-to-end batch runs")
    parser.add_argument("--jobs-cases", type=int, default=1000, help="cases in the --jobs 1 / --jobs 2 runs")
    parser.add_argument("--memory-cases", type=int, default=10_000, help="cases in the long memory run")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command in the paired comparisons")
    parser.add_argument("--register-cases", type=int, default=1000, help="case files imported into the register")
    parser.add_argument("--only", choices=["register"], default=None, help="run only this part")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}, load average {os.getloadavg()[0]:.1f}")
    compileall.compile_dir(str(ROOT / "generator"), quiet=1)  # as installed: no compiling in each new process
    tmp_dir = tempfile.TemporaryDirectory()
    tmp = Path(tmp_dir.name)
    # The user's own template cache stays untouched: a private one for this run.
    os.environ["BEREDSKAB_CACHE"] = str(tmp / "template-cache")
    reg = register(args.register_cases)
    register_rows = [
        (f"(6) register: `cases import` {args.register_cases} case files (one process)",
         f"{reg['import']:.1f} s ({reg['import'] / args.register_cases * 1000:.1f} ms a case)"),
        (f"(6) register: `overdue` over {reg['cases']:,} cases, in-process", f"{reg['overdue_in_process'] * 1000:.0f} ms"),
        (f"(6) register: `overdue` over {reg['cases']:,} cases, command", f"{reg['overdue_command']:.2f} s"),
        (f"(6) register: `stats` over {reg['cases']:,} cases, in-process", f"{reg['stats_in_process'] * 1000:.0f} ms"),
        (f"(6) register: `stats` over {reg['cases']:,} cases, command", f"{reg['stats_command']:.2f} s"),
    ]
    if args.only == "register":
        _print_rows(register_rows)
        return
    baseline = Baseline(tmp)

    local = in_process(baseline, args.notes)
    rule = rules(args.notes * 10)
    end_to_end = batch_end_to_end(baseline, tmp, args.cases, args.repeat)
    cold = cold_generate(baseline, tmp, args.repeat)
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    mixed, notes_only = tmp / "mixed.jsonl", tmp / "memory.jsonl"
    write_jsonl(mixed, args.jobs_cases, examples)
    jobs = {n: batch(tmp, mixed, n) for n in (1, 2)}
    write_jsonl(notes_only, args.memory_cases, examples)
    memory = batch(tmp, notes_only, 2, ("incident_note",))

    e2e_ratio = end_to_end["docxtpl"] / end_to_end["beredskab"]
    rows = [
        (f"(1) batch --jobs 1, incident note, {args.cases} cases, per case",
         f"{end_to_end['beredskab']:.2f} ms, CPU {end_to_end['beredskab_cpu']:.2f} ms "
         "(new process: start-up, validation, rules, render, write, manifest)"),
        (f"(1) docxtpl render + save, {args.cases} notes, per note",
         f"{end_to_end['docxtpl']:.2f} ms, CPU {end_to_end['docxtpl_cpu']:.2f} ms (new process)"),
        ("(1) ratio docxtpl / beredskab (target >= 4x)",
         f"{e2e_ratio:.2f}x (CPU {end_to_end['docxtpl_cpu'] / end_to_end['beredskab_cpu']:.2f}x)"),
        ("(2) incident note in-process, beredskab render", f"{local['beredskab']:.2f} ms"),
        ("(2) incident note in-process, docxtpl render + save", f"{local['docxtpl']:.2f} ms"),
        ("(2) ratio docxtpl / beredskab", f"{local['docxtpl'] / local['beredskab']:.1f}x"),
        ("(2) validation of the example case (target < 2 ms)", f"{local['validate']:.2f} ms"),
        ("(7) rules of one case (plan.yaml obligations)", f"{rule['evaluate']:.3f} ms per case; "
                                                          f"reading and checking them {rule['load']:.2f} ms per pack"),
        *((f"(3) cold generate {name} ({r['documents']} documents)",
           f"{r['beredskab']:.3f} s, CPU {r['cpu']:.3f} s (first run {r['first']:.3f} s); "
           f"docxtpl script {r['docxtpl']:.3f} s; ratio {r['ratio']:.2f}x (target <= 0.7x)")
          for name, r in cold.items()),
        *((f"(4) batch {args.jobs_cases} cases, all documents, --jobs {n}",
           f"{run['per_second']:.0f} docs/s ({run['documents']} docs in {run['wall']:.1f} s), "
           f"peak {run['peak_mb']:.0f} MB") for n, run in jobs.items()),
        ("(4) speed-up --jobs 2 / --jobs 1 (target >= 1.7x)", f"{jobs[2]['per_second'] / jobs[1]['per_second']:.2f}x"),
        (f"(5) peak memory per process, --jobs 2: {args.jobs_cases} vs {args.memory_cases} cases",
         f"{jobs[2]['peak_mb']:.0f} MB vs {memory['peak_mb']:.0f} MB ({memory['documents']} notes in "
         f"{memory['wall']:.0f} s)"),
        *register_rows,
    ]
    _print_rows(rows)
    worst_cold = max(r["ratio"] for r in cold.values())
    print(f"\nheadline: batch end to end {e2e_ratio:.2f}x docxtpl (target >= 4x); "
          f"cold generate {worst_cold:.2f}x the docxtpl script at worst (target <= 0.7x)")
    tmp_dir.cleanup()


def _print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
