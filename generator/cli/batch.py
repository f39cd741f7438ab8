"""Generate the documents of many cases at once: a folder of case files or a JSON Lines file.

The input is streamed: the parent process reads one small :class:`Source` at a
time (a file name, or one line of a JSON Lines file) and hands chunks of them to
worker processes, keeping only a few chunks in flight, so memory stays flat over
thousands of cases. Each worker loads the :class:`~generator.engine.Engine` once
(forms, compiled templates, the reference document) and writes each case's
documents itself through ``Engine.write``; only the file names come back. A chunk's
cases are written together (``output/group.py``: one disk sync for the chunk, not
three per case), and reported as written only once they are on disk.
A case that is refused (bad data, a file already there) does not stop the rest:
its first Danish message is kept for the summary.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Iterator

from ..case.model import Case
from ..engine import Engine
from ..errors import BeredskabError, CaseError
from ..output import interrupts
from ..output.group import GroupCommit
from . import _heap

#: Cases handed to a worker at a time, and chunks kept in flight per worker.
CHUNK_SIZE = 8
CHUNKS_PER_JOB = 2
#: Bytes read from a JSON Lines input at a time (a case is a few kB; the default is the disk's 4 kB block).
READ_BUFFER = 1 << 16
#: The suffix of a JSON Lines input; anything else that is a file is refused.
JSON_LINES_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Source:
    """One case of the input: a case file, or one line of a JSON Lines file."""

    index: int  # 0-based position in the input, so outcomes keep the input's order
    file: str
    line: int | None = None  # 1-based line in a JSON Lines file
    raw: bytes | None = None  # the line's bytes; None for a case file (the worker reads it)

    @property
    def where(self) -> str:
        return f"{self.file}, linje {self.line}" if self.line is not None else self.file


@dataclass(frozen=True)
class Outcome:
    """What became of one case: the documents written, or why it was refused."""

    index: int
    where: str
    written: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # Danish lines, without the case's own file and line
    exit_code: int = 0
    skipped: bool = False  # every document was there already (--skip-existing)

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def status(self) -> str:
        """One Danish word or two for a progress line: ``afvist`` or ``2 dokumenter``."""
        if self.skipped:
            return "sprunget over (dokumenterne findes)"
        return "afvist" if self.refused else _count(len(self.written), "dokument", "dokumenter")


@dataclass
class Summary:
    """Counts of a batch run and the refused cases, built outcome by outcome."""

    out_dir: str
    total: int = 0
    done: int = 0
    documents: int = 0
    skipped: int = 0
    refused: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        self.skipped += outcome.skipped
        if outcome.refused:
            self.refused.append(outcome)
        else:
            self.done += 1
            self.documents += len(outcome.written)

    @property
    def exit_code(self) -> int:
        """0 when every case succeeded, 1 when a refusal came from the environment, else 2."""
        if not self.refused:
            return 0
        return 1 if any(o.exit_code == 1 for o in self.refused) else 2

    def lines(self) -> list[str]:
        """The Danish summary: counts, then one line per refused case with its first message."""
        skipped = f" ({self.skipped} sprunget over, dokumenterne fandtes)" if self.skipped else ""
        lines = [f"{self.done} af {_count(self.total, 'sag', 'sager')} færdige{skipped}, "
                 f"{_count(self.documents, 'dokument', 'dokumenter')} skrevet i {self.out_dir}."]
        if self.refused:
            lines.append(f"{_count(len(self.refused), 'sag', 'sager')} afvist:")
            for outcome in self.refused:
                more = len(outcome.problems) - 1
                extra = f" (og {_count(more, 'fejl', 'fejl')} mere)" if more else ""
                lines.append(f"  {outcome.where}: {outcome.problems[0]}{extra}")
        return lines


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# -- the input ---------------------------------------------------------------------------


def _check_input(input_path: Path) -> None:
    if not input_path.exists():
        raise CaseError("findes ikke", file=str(input_path))
    if input_path.is_file() and input_path.suffix.lower() != JSON_LINES_SUFFIX:
        raise CaseError("skal være en mappe med sagsfiler (*.json) eller en JSON Lines-fil (.jsonl)",
                        file=str(input_path))


def _case_files(folder: Path) -> list[str]:
    return sorted(str(path) for path in folder.glob("*.json") if path.is_file())


def count_cases(input_path: str | Path) -> int:
    """How many cases the input holds (files in a folder, non-blank lines of JSON Lines)."""
    input_path = Path(input_path)
    _check_input(input_path)
    if input_path.is_dir():
        return len(_case_files(input_path))
    with input_path.open("rb", buffering=READ_BUFFER) as handle:
        return sum(1 for line in handle if line.strip())


def iter_sources(input_path: str | Path) -> Iterator[Source]:
    """The cases of the input, one at a time: ``*.json`` in a folder (by name) or JSON Lines."""
    input_path = Path(input_path)
    _check_input(input_path)
    if input_path.is_dir():
        for index, name in enumerate(_case_files(input_path)):
            yield Source(index, name)
        return
    index = 0
    with input_path.open("rb", buffering=READ_BUFFER) as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield Source(index, str(input_path), number, line)
                index += 1


# -- the workers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """What every worker needs to know, sent once to its initializer."""

    plan_dir: str | None
    out_dir: str
    names: tuple[str, ...]
    force: bool
    today: date
    now: datetime | None
    pdf: bool = False
    skip_existing: bool = False


_ENGINES: dict[str | None, Engine] = {}  # per process; a forked worker inherits the parent's
_JOB: _Job | None = None


def _engine(plan_dir: str | None) -> Engine:
    if plan_dir not in _ENGINES:
        _ENGINES[plan_dir] = Engine.load(plan_dir)
    return _ENGINES[plan_dir]


def _init_worker(job: _Job) -> None:
    """Load the engine and the Word writer once per process."""
    global _JOB
    from ..word import writer as word  # noqa: F401 - the Word writer imported before the first case

    _engine(job.plan_dir)
    _heap.settle()  # the engine and the writer live as long as the worker (cli/_heap.py)
    _JOB = job


def _init_pool_worker(job: _Job) -> None:
    """A worker process: as _init_worker, and Ctrl-C is left to the parent.

    Ctrl-C reaches the whole process group: the parent decides, and ends the workers
    with SIGTERM, which unwinds a case like Ctrl-C (its documents roll back).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, interrupts.interrupt)
    _init_worker(job)


def _run_chunk(sources: list[Source]) -> list[Outcome]:
    """Generate a chunk of cases; their files are made durable together (``output/group.py``),
    and each case's Outcome says it was written only after that."""
    group = GroupCommit()
    staged: list[Source] = []
    outcomes: dict[int, Outcome] = {}
    try:
        for source in sources:
            outcome = _run_one(source, group)
            if outcome is None:
                staged.append(source)
            else:
                outcomes[source.index] = outcome
        for source, committed in zip(staged, group.commit()):
            outcomes[source.index] = _outcome(source, committed.documents, committed.error)
    except BaseException as err:
        group.abandon(err)
        raise
    return [outcomes[source.index] for source in sources]


def _run_one(source: Source, group: GroupCommit | None = None) -> Outcome | None:
    """Generate one case's documents; a refusal becomes an Outcome, never an exception.
    With ``group``, None: the case is staged in it, its Outcome comes with the commit."""
    job = _JOB
    assert job is not None, "the worker was not initialised"
    engine = _engine(job.plan_dir)
    try:
        case = _load(engine, source, job.now)
        if group is not None and job.skip_existing:  # the same case earlier in the chunk: on disk first
            group.settle(Path(job.out_dir) / case.id)
        names = engine.missing(case, job.out_dir, job.names, job.today, job.pdf) if job.skip_existing else job.names
        if job.skip_existing and not names:
            return Outcome(source.index, source.where, skipped=True)
        written = engine.write(case, job.out_dir, names, force=job.force, today=job.today, pdf=job.pdf,
                               group=group)
        if group is not None and not job.pdf:
            return None
        return _outcome(source, written)
    except Exception as err:  # noqa: BLE001 - one broken case must not stop the others
        return _outcome(source, [], err)


def _outcome(source: Source, written: list, error: BaseException | None = None) -> Outcome:
    if error is None:
        return Outcome(source.index, source.where, written=tuple(str(p) for p in written))
    if isinstance(error, BeredskabError):
        return Outcome(source.index, source.where, problems=tuple(_relative_lines(error, source)),
                       exit_code=error.exit_code)
    return Outcome(source.index, source.where, exit_code=1, problems=(
        "intern fejl ved denne sag; kør den alene med 'beredskab --debug generate' og kontakt support",))


def _load(engine: Engine, source: Source, now: datetime | None) -> Case:
    if source.raw is None:
        return engine.load_case(source.file, now=now)
    try:
        return engine.parse_case(source.raw, source.file, now=now)
    except CaseError as err:
        for problem in err.problems:  # the line in the JSON Lines file, not in the one-line JSON
            problem.file, problem.line = source.file, source.line
        raise


def _relative_lines(err: BeredskabError, source: Source) -> list[str]:
    """The error's lines without the case's own file and line: the summary names them first."""
    for problem in err.problems:
        if problem.file == source.file:
            problem.file = None
            if problem.line == source.line:
                problem.line = None
    return err.lines()


# -- the run -------------------------------------------------------------------------------


def run_batch(
    input_path: str | Path,
    out_dir: str | Path,
    names: Iterable[str] = (),
    *,
    force: bool = False,
    plan_dir: str | Path | None = None,
    jobs: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
    pdf: bool = False,
    skip_existing: bool = False,
) -> Iterator[Outcome]:
    """Generate every case of the input; yield one Outcome per case, in the input's order.

    The plan pack and the document names are checked before any case is read:
    a broken pack or an unknown ``--doc`` raises, and nothing is written.
    ``jobs`` worker processes (default: one per core); 1 runs in this process.
    ``skip_existing`` makes only the documents that are not there yet (a case
    with all of them is skipped), so a folder can be run again after adding cases.
    """
    job = _Job(None if plan_dir is None else str(plan_dir), str(out_dir), tuple(names), force,
               today or date.today(), now, pdf, skip_existing)
    engine = _engine(job.plan_dir)
    for name in job.names:
        engine.document_of(name)  # raises for an unknown document name
    sources = iter_sources(input_path)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1:
        _init_worker(job)
        for chunk in _chunks(sources):
            yield from _run_chunk(chunk)
        return
    from ..word import writer as word # noqa: F401 - imported once here, so forked workers start warm

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_init_pool_worker, initargs=(job,))
    try:
        yield from _stream(pool, sources, in_flight=jobs * CHUNKS_PER_JOB)
    except BaseException:
        _stop_workers(pool)  # Ctrl-C, SIGTERM or a failure: the workers stop too, at once
        raise
    pool.shutdown(wait=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued, end every worker (its case rolls back) and wait for them, briefly.

    A second Ctrl-C meanwhile must not leave workers behind or hang the exit (it did:
    the executor waited for workers that Ctrl-C had broken), so it is held off for
    the few seconds this takes.
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
    try:
        pool.shutdown(wait=False, cancel_futures=True)
        workers = multiprocessing.active_children()
        for worker in workers:
            worker.terminate()  # SIGTERM: the worker's run unwinds like Ctrl-C and rolls back
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
                worker.join(timeout=5)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _chunks(sources: Iterator[Source]) -> Iterator[list[Source]]:
    """The sources in lists of CHUNK_SIZE (the last one shorter)."""
    chunk: list[Source] = []
    for source in sources:
        chunk.append(source)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _stream(pool: ProcessPoolExecutor, sources: Iterator[Source], in_flight: int) -> Iterator[Outcome]:
    """Submit chunks while at most ``in_flight`` are pending; yield results oldest first."""
    pending: deque[Future] = deque()
    for chunk in _chunks(sources):
        pending.append(pool.submit(_run_chunk, chunk))
        while len(pending) >= in_flight:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()
