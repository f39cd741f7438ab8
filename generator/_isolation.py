"""Render an untrusted pack's documents in worker processes whose memory and time the operating system bounds.

A pack from another department is untrusted text. Jinja's sandbox stops it from
reaching Python's insides, and the sandbox's own checks refuse the big strings
and loops they know of; what they do not know of is bounded here, by the
operating system, on every thread of the caller (a web server renders in
threads) and on Windows:

- the template and the HTML -> Word step of one document run in a worker
  process, never in the caller;
- the caller waits at most :data:`RENDER_SECONDS` (wall clock) for the answer,
  then kills the worker: this holds on every platform;
- on POSIX the worker also has an address-space limit of
  :data:`WORKER_MEMORY_BYTES` above what it holds once loaded (``RLIMIT_AS``, or
  ``RLIMIT_DATA`` where the former is not enforced) and a CPU-time limit of
  :data:`RENDER_CPU_SECONDS` per document (``RLIMIT_CPU``, raised before each
  document, so a long-lived worker is not charged for earlier ones);
- on Windows every worker is put in one job object of the pool's
  (:mod:`._winjob`), which caps the memory each worker commits at
  :data:`WORKER_MEMORY_BYTES` plus what loading needs, and ends the workers when
  the pool's handle to it closes, also when the caller is killed.

Workers are kept (a small pool, started on first use), so a batch or a web server
pays the start-up once, not per document. A worker that was killed, ran out of
memory or lost its caller is replaced by a new one on the next request. The
worker ignores Ctrl-C (its caller decides) and leaves when its caller goes away.

Answers come back as bytes in a small format of our own, never as a pickle: the
caller never unpickles what the pack's templates ran beside.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import signal
import sys
import threading
from dataclasses import asdict
from multiprocessing.connection import Connection
from typing import Any, Callable

from . import _winjob, errors
from .errors import BeredskabError, EnvironmentFailure, Problem, TemplateError

#: Seconds the caller waits for one document from a worker before it kills the worker.
RENDER_SECONDS = 20.0

#: CPU seconds one document may use in a worker (POSIX; the wall-clock limit holds everywhere).
RENDER_CPU_SECONDS = 20

#: Bytes a worker may allocate beyond what it holds once its pack is loaded (POSIX).
WORKER_MEMORY_BYTES = 1 << 30

#: Seconds a worker waits for work before it checks that its caller still lives.
_IDLE_CHECK_SECONDS = 5.0

_MEMORY_MESSAGE = "skabelonen bruger for meget hukommelse; dokumentet er ikke dannet"
_CRASH_MESSAGE = "dokumentet kunne ikke dannes: arbejdsprocessen stoppede uventet"

_OK, _ERROR, _MEMORY, _INTERNAL = b"o", b"e", b"m", b"i"


class WorkerPool:
    """A few persistent worker processes, each holding an engine loaded by ``loader``.

    :param loader: a picklable callable returning the object whose methods :meth:`call`
        runs (an engine rendering in its own process).
    :param size: the most workers at once; callers beyond it wait for a free one.
    """

    def __init__(self, loader: Callable[[], Any], size: int = 1):
        self._loader = loader
        #: The most workers at once.
        self.size = max(1, size)
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._free = threading.BoundedSemaphore(self.size)
        #: The Windows job object holding the workers (None on POSIX, or before the first worker).
        self._job: _winjob.Job | None = None

    def call(self, method: str, *args: Any) -> Any:
        """Run ``method(*args)`` of the worker's engine; raise its BeredskabError, or a Danish one
        when the worker ran over its time or memory or died."""
        with self._free:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is None:
                with self._lock:
                    if self._job is None:
                        self._job = _winjob.Job.for_workers(WORKER_MEMORY_BYTES)
                    job = self._job
                worker = _Worker(self._loader, job)
                with self._lock:
                    self._all.add(worker)
            try:
                return worker.call(method, args)
            finally:
                with self._lock:
                    if worker.alive:
                        self._idle.append(worker)
                    else:
                        self._all.discard(worker)

    def close(self) -> None:
        """Stop every worker (they also stop on their own when this process ends)."""
        with self._lock:
            workers, self._all, self._idle = list(self._all), set(), []
            job, self._job = self._job, None
        for worker in workers:
            worker.stop()
        if job is not None:
            job.close()


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, loader: Callable[[], Any], job: _winjob.Job | None = None):
        context = _context()
        self._conn, child = context.Pipe(duplex=True)
        self._process = context.Process(target=_serve, args=(child, loader, os.getpid()),
                                        name="beredskab-render", daemon=True)
        self._process.start()
        child.close()
        self.alive = True
        if job is not None:  # Windows: into the pool's job before it is sent any document
            try:
                job.assign(self._process.sentinel)  # the process handle, on Windows
            except BaseException:
                self.stop()
                raise

    def call(self, method: str, args: tuple) -> Any:
        try:
            self._conn.send((method, args))
            if not self._conn.poll(RENDER_SECONDS):
                self.stop()
                raise TemplateError(_time_message())
            answer = self._conn.recv_bytes()
        except (EOFError, OSError, BrokenPipeError) as err:
            raise self._died() from err
        except BaseException:
            self.stop()  # Ctrl-C while waiting: the worker's document is not wanted any more
            raise
        return _decode(answer, self)

    def _died(self) -> BeredskabError:
        self._process.join(timeout=5)
        code = self._process.exitcode
        self.stop()
        if _winjob.on_windows():
            if _winjob.ran_out_of_memory(code):  # an allocation the job refused, in C code
                return TemplateError(_MEMORY_MESSAGE)
            return EnvironmentFailure(_CRASH_MESSAGE)
        if code is not None and code < 0 and -code == getattr(signal, "SIGXCPU", None):
            return TemplateError(_time_message())
        if code is not None and code < 0 and -code in (signal.SIGSEGV, signal.SIGABRT, getattr(signal, "SIGKILL", 9)):
            return TemplateError(_MEMORY_MESSAGE)  # a failed allocation in C code, or the kernel's OOM killer
        return EnvironmentFailure(_CRASH_MESSAGE)

    def stop(self) -> None:
        self.alive = False
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        self._conn.close()


def _time_message() -> str:
    return f"skabelonen tager for lang tid at danne (over {RENDER_SECONDS:g} sekunder)"


def _context():
    """Fork where it is safe (POSIX, this process has one thread: the worker starts warm in
    milliseconds); else spawn (Windows, or a threaded server, where fork can deadlock)."""
    if sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods() \
            and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _decode(answer: bytes, worker: _Worker) -> Any:
    kind, payload = answer[:1], answer[1:]
    if kind == _OK:
        kind, payload = payload[:1], payload[1:]
        return payload.decode("utf-8") if kind == b"s" else payload
    if kind == _ERROR:
        record = json.loads(payload)
        cls = getattr(errors, record["class"], None)
        if not (isinstance(cls, type) and issubclass(cls, BeredskabError)):
            cls = TemplateError
        return_error = cls([Problem(**problem) for problem in record["problems"]])
        raise return_error
    worker.stop()  # it ran out of memory or failed inside: do not trust its state again
    if kind == _MEMORY:
        raise TemplateError(_MEMORY_MESSAGE)
    raise TemplateError(f"dokumentet kunne ikke dannes ({payload.decode('ascii', 'replace')[:60]})")


# -- in the worker ---------------------------------------------------------------------


def _serve(conn: Connection, loader: Callable[[], Any], parent: int) -> None:
    """The worker's loop: load the engine once, then answer one request at a time."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the caller decides
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    engine = loader()
    _limit_memory()
    while True:
        try:
            while not conn.poll(_IDLE_CHECK_SECONDS):
                if not _parent_alive(parent):
                    return
            method, args = conn.recv()
        except (EOFError, OSError):
            return  # the caller went away
        _limit_cpu()
        try:
            result = getattr(engine, method)(*args)
            answer = _OK + (b"s" + result.encode("utf-8") if isinstance(result, str) else b"b" + bytes(result))
        except BeredskabError as err:
            answer = _ERROR + json.dumps({"class": type(err).__name__,
                                          "problems": [asdict(p) for p in err.problems]}).encode("utf-8")
        except MemoryError:
            answer = _MEMORY
        except Exception as err:  # noqa: BLE001 - the caller shows a Danish line; the type names the cause
            answer = _INTERNAL + type(err).__name__.encode("ascii", "replace")
        try:
            conn.send_bytes(answer)
        except (OSError, ValueError):
            return
        if answer[:1] in (_MEMORY, _INTERNAL):
            return


def _parent_alive(parent: int) -> bool:
    if sys.platform == "win32":
        return True  # the pipe's end of file tells (Windows gives the worker no inherited copy of it)
    return os.getppid() == parent


def _limit_memory() -> None:
    """Cap the worker's address space at what it holds now plus WORKER_MEMORY_BYTES (POSIX)."""
    try:
        import resource
    except ImportError:  # Windows: the wall-clock deadline and the sandbox's size checks remain
        return
    held = _address_space()
    for name in ("RLIMIT_AS", "RLIMIT_DATA"):
        limit = getattr(resource, name, None)
        if limit is None or (name == "RLIMIT_AS" and held is None):
            continue
        soft, hard = resource.getrlimit(limit)
        wanted = (held or 0) + WORKER_MEMORY_BYTES
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        try:
            resource.setrlimit(limit, (wanted, hard))
            return
        except (ValueError, OSError):
            continue


def _address_space() -> int | None:
    """Bytes of address space this process holds (Linux), None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _limit_cpu() -> None:
    """Allow the next document RENDER_CPU_SECONDS of CPU time beyond what the worker used so far."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    wanted = math.ceil(usage.ru_utime + usage.ru_stime) + RENDER_CPU_SECONDS
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (wanted, hard))
    except (ValueError, OSError):
        pass
