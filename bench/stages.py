"""Where a batch case's time goes: the stages of ``beredskab batch --jobs 1``, in-process.

Run from the repository root::

    python bench/stages.py                 # 300 copies of the example case, the incident note
    python bench/stages.py --cases 500 --doc incident_note --rounds 3

It runs the real ``batch`` command in this process (through the console entry) over
copies of ``examples/trussel-telefon.json``, with a timer around each stage of the path
(reading and validating the case, the rules, Jinja, the HTML subset parse, the Word
writer, staging and the group commit), and prints CPU and wall milliseconds per case:
the total of the run, the start-up before it, and each stage (a stage's time includes
the stages it calls, so they do not add up). CPU time (``time.process_time``) moves
little with load elsewhere on the machine; wall time includes the disk. The best round
of ``--rounds`` is shown. ``bench/run.py`` measures the same path end to end against
docxtpl; this tells what to work on.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "trussel-telefon.json"

#: (module, object, attribute, label): the timed stages, outermost first.
STAGES = [
    ("beredskab.cli.batch", None, "_run_one", "case (all stages)"),
    ("beredskab.engine", "Engine", "parse_case", "read and validate"),
    ("beredskab.case.forms", "Forms", "validate", "  Cerberus validation"),
    ("beredskab.engine", "Engine", "write", "render and stage"),
    ("beredskab.engine", "Engine", "evaluate", "  rules"),
    ("beredskab.render.renderer", "Renderer", "render", "  Jinja"),
    ("beredskab.word.writer", None, "build_document", "  Word writer (with the parse)"),
    ("beredskab.word.writer", None, "parse", "    HTML subset parse"),
    ("beredskab.pack.loader", "Pack", "find_asset", "  finding assets"),
    ("beredskab.output.manifest", None, "case_hash", "  manifest: case hash"),
    ("beredskab.output.group", "GroupCommit", "stage", "  staging (temp files, manifest)"),
    ("beredskab.output.group", "GroupCommit", "commit", "group commit (sync, rename)"),
]


def _timed(function, label: str, cpu: collections.Counter, wall: collections.Counter, calls: collections.Counter):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            cpu[label] += time.process_time() - c0
            wall[label] += time.perf_counter() - w0
            calls[label] += 1
    return wrapper


def instrument(cpu, wall, calls) -> None:
    import importlib

    for module_name, owner_name, attribute, label in STAGES:
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name) if owner_name else module
        function = getattr(owner, attribute, None)
        if function is None:
            print(f"(no {module_name}.{owner_name or ''}.{attribute}: the stage '{label.strip()}' is not timed)")
            continue
        setattr(owner, attribute, _timed(function, label, cpu, wall, calls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--doc", default="incident_note")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    c0, w0 = time.process_time(), time.perf_counter()
    try:  # the console entry: Python's collector held during start-up and settled (cli/_heap.py)
        from beredskab.cli import main as cli_main
    except ImportError:  # before the fourth round
        from beredskab.cli.commands import main as cli_main
    import beredskab.engine  # noqa: F401
    start_cpu, start_wall = time.process_time() - c0, time.perf_counter() - w0

    folder = Path(tempfile.mkdtemp(prefix="beredskab-stages-"))
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    jsonl = folder / "cases.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for number in range(args.cases):
            case["incident"]["case_id"] = f"STAGE-{number:05d}"
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")

    best = None
    cpu, wall, calls = collections.Counter(), collections.Counter(), collections.Counter()
    instrument(cpu, wall, calls)
    for round_number in range(args.rounds):
        cpu.clear(), wall.clear(), calls.clear()
        out = folder / f"out-{round_number}"
        argv = ["batch", str(jsonl), "--doc", args.doc, "--jobs", "1", "--out", str(out)]
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            cli_main(argv) if _takes_args(cli_main) else _run_with_argv(cli_main, argv)
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                raise SystemExit(f"batch stopped with exit code {exit_.code}")
        total = (time.process_time() - c0, time.perf_counter() - w0)
        shutil.rmtree(out, ignore_errors=True)
        if best is None or total[0] < best[0][0]:
            best = (total, dict(cpu), dict(wall), dict(calls))
    shutil.rmtree(folder, ignore_errors=True)

    (total_cpu, total_wall), cpu_by, wall_by, calls_by = best
    n = args.cases
    print(f"{args.cases} cases, --doc {args.doc}, best of {args.rounds} rounds (CPU / wall ms per case)")
    print(f"{'start-up (imports), once':40s} {start_cpu * 1000:8.1f} / {start_wall * 1000:6.1f} ms")
    print(f"{'the run':40s} {total_cpu / n * 1000:8.3f} / {total_wall / n * 1000:6.3f}")
    for _, _, _, label in STAGES:
        if label in cpu_by:
            print(f"{label:40s} {cpu_by[label] / n * 1000:8.3f} / {wall_by[label] / n * 1000:6.3f}"
                  f"   ({calls_by[label]} calls)")


def _takes_args(function) -> bool:
    import inspect

    try:
        return bool(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return False


def _run_with_argv(function, argv: list[str]) -> None:
    saved = sys.argv
    sys.argv = ["beredskab", *argv]
    try:
        function()
    finally:
        sys.argv = saved


if __name__ == "__main__":
    sys.stderr = open(__import__("os").devnull, "w")  # the per-case progress lines
    main()
