"""Benchmark beredskab on this machine: incident notes vs docxtpl, cold generate, batch throughput.

Run from the repository root after ``pip install -e '.[bench]'``::

    python bench/run.py            # the full run recorded in bench/README.md
    python bench/run.py --cases 100 --notes 20   # a quick look

It measures, in one run:

1. ms per incident note rendered in-process with the engine loaded once
   (``Engine.render``: Jinja, HTML walk, .docx bytes), and ms per note for
   docxtpl 0.20 rendering a .docx template with the same content (open the
   template, render, save to bytes; its context is formatted beforehand);
2. the cold wall time of ``beredskab generate`` (a new process) for every
   example in examples/*.json, all of its documents: the first run with an empty
   template cache, and the median wall and CPU time of the runs after it (the cache filled);
3. documents per second of ``beredskab batch`` over N generated case files with
   --jobs 1 and 2, and the peak memory (largest process, ru_maxrss);
4. the case register: ``beredskab cases import`` of N case files (one process), then,
   over 10,000 cases, ``overdue`` and ``stats`` in-process (the query and counting,
   best of 5) and as commands (a new process, median of 5);
5. ms per rules evaluation of a case and per reading of the plan's obligations (once a pack).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

TODAY = date(2026, 11, 26)


def _beredskab() -> list[str]:
    """The installed console script next to this Python, else the module entry point."""
    script = Path(sys.executable).parent / "beredskab"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from beredskab.cli.commands import main; main()"]


def notes(count: int) -> dict[str, float]:
    """ms per incident note: beredskab in-process vs docxtpl."""
    from docxtpl import DocxTemplate

    import docxtpl_note
    from beredskab.engine import Engine

    engine = Engine.load()
    case = engine.load_case(ROOT / "examples" / "trussel-telefon.json")
    with tempfile.TemporaryDirectory() as tmp:
        template = docxtpl_note.build_template(Path(tmp) / "incident_note_docxtpl.docx")
        context = docxtpl_note.context(engine, case, TODAY)

        def docxtpl_once() -> bytes:
            document = DocxTemplate(str(template))
            document.render(context, autoescape=True)
            out = BytesIO()
            document.save(out)
            return out.getvalue()

        def beredskab_once() -> bytes:
            return engine.render(case, "incident_note", TODAY)

        return _ms_per_call({"beredskab": beredskab_once, "docxtpl": docxtpl_once}, count)


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
    """The best of ``rounds`` rounds of ``count`` calls, in ms per call; rounds alternate between
    the functions, so a burst of load elsewhere on the machine hits both alike."""
    for function in functions.values():
        for _ in range(3):  # warm up: imports, caches
            function()
    best = {name: float("inf") for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.perf_counter()
            for _ in range(count):
                function()
            best[name] = min(best[name], (time.perf_counter() - start) / count * 1000)
    return best


def cold_generate(repeat: int) -> dict[str, tuple[float, float, float]]:
    """Seconds for a new `beredskab generate` process, per example: the wall time of the first
    run with an empty template cache, and the median wall and CPU (user + system) time of
    ``repeat`` runs after it. CPU time suffers less from other load on the machine."""
    times = {}
    for example in sorted((ROOT / "examples").glob("*.json")):
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "BEREDSKAB_CACHE": str(Path(cache) / "templates")}
            runs, cpu = [], []
            for _ in range(repeat + 1):
                with tempfile.TemporaryDirectory() as out:
                    before = resource.getrusage(resource.RUSAGE_CHILDREN)
                    start = time.perf_counter()
                    subprocess.run([*_beredskab(), "generate", str(example), "--out", out], check=True,
                                   stdout=subprocess.DEVNULL, env=env)
                    runs.append(time.perf_counter() - start)
                    after = resource.getrusage(resource.RUSAGE_CHILDREN)
                    cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        times[example.name] = (runs[0], statistics.median(runs[1:]), statistics.median(cpu[1:]))
    return times


def make_cases(folder: Path, count: int) -> None:
    """``count`` case files made from the examples in turn, each with its own case number."""
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        case = examples[number % len(examples)]
        case["incident"]["case_id"] = f"BENCH-{number:05d}"
        (folder / f"sag-{number:05d}.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")


def batch(cases: int, jobs: int) -> dict[str, float]:
    """Documents per second and peak memory of one `beredskab batch` run in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "sager", Path(tmp) / "out"
        make_cases(folder, cases)
        # A child Python runs the batch, so RUSAGE_CHILDREN holds this run's processes only.
        probe = (
            "import resource, subprocess, sys, time\n"
            "start = time.perf_counter()\n"
            "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
            "print(code, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        )
        command = [*_beredskab(), "batch", str(folder), "--out", str(out), "--jobs", str(jobs)]
        result = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
        code, seconds, max_rss_kb = result.stdout.split()
        if code != "0":
            raise SystemExit(f"batch with --jobs {jobs} exited {code}")
        documents = sum(1 for _ in out.rglob("*.docx"))
    return {"documents": documents, "seconds": float(seconds), "per_second": documents / float(seconds),
            "peak_mb": int(max_rss_kb) / 1024}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=100, help="incident notes per timing round")
    parser.add_argument("--cases", type=int, default=1000, help="generated cases for the batch runs")
    parser.add_argument("--repeat", type=int, default=5, help="cold generate runs per example")
    parser.add_argument("--only", choices=["register"], default=None, help="run only this part")
    args = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    # The user's own template cache stays untouched: a private one for this run (batch fills it first).
    bench_cache = tempfile.TemporaryDirectory()
    os.environ["BEREDSKAB_CACHE"] = str(Path(bench_cache.name) / "templates")
    reg = register(args.cases)
    register_rows = [
        (f"register: `cases import` {args.cases} case files (one process)",
         f"{reg['import']:.1f} s ({reg['import'] / args.cases * 1000:.1f} ms a case)"),
        (f"register: `overdue` over {reg['cases']:,} cases, in-process", f"{reg['overdue_in_process'] * 1000:.0f} ms"),
        (f"register: `overdue` over {reg['cases']:,} cases, command", f"{reg['overdue_command']:.2f} s"),
        (f"register: `stats` over {reg['cases']:,} cases, in-process", f"{reg['stats_in_process'] * 1000:.0f} ms"),
        (f"register: `stats` over {reg['cases']:,} cases, command", f"{reg['stats_command']:.2f} s"),
    ]
    if args.only == "register":
        _print_rows(register_rows)
        return
    note = notes(args.notes)
    rule = rules(args.notes * 10)
    cold = cold_generate(args.repeat)
    runs = {jobs: batch(args.cases, jobs) for jobs in (1, 2)}

    rows = [
        ("incident note, beredskab (in-process)", f"{note['beredskab']:.2f} ms"),
        ("incident note, docxtpl 0.20", f"{note['docxtpl']:.2f} ms"),
        ("throughput ratio beredskab/docxtpl", f"{note['docxtpl'] / note['beredskab']:.1f}x"),
        ("rules of one case (plan.yaml obligations)", f"{rule['evaluate']:.3f} ms per case; "
                                                      f"reading and checking them {rule['load']:.2f} ms per pack"),
        *((f"cold `generate` {name} (all documents)",
           f"{warm:.3f} s, CPU {cpu:.3f} s (first run, empty template cache: {first:.3f} s)")
          for name, (first, warm, cpu) in cold.items()),
        *((f"batch {args.cases} cases, --jobs {jobs}",
           f"{run['per_second']:.0f} docs/s ({run['documents']} docs in {run['seconds']:.1f} s), "
           f"peak {run['peak_mb']:.0f} MB") for jobs, run in runs.items()),
        ("batch speed-up --jobs 2 / --jobs 1", f"{runs[2]['per_second'] / runs[1]['per_second']:.2f}x"),
        *register_rows,
    ]
    _print_rows(rows)


def _print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    if shutil.which("beredskab") is None and not (Path(sys.executable).parent / "beredskab").exists():
        print("note: the beredskab script is not installed; using the module entry point", file=sys.stderr)
    main()
