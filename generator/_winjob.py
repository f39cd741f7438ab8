"""A Windows job object that caps the memory of the render workers (POSIX has ``RLIMIT_AS``).

Windows has no ``resource`` module. Its counterpart is a *job object*: the
render pool creates one job when it starts its first worker, limits the
committed memory of every process in it (``JOB_OBJECT_LIMIT_PROCESS_MEMORY``),
asks Windows to end every process in it when the job's last handle closes
(``JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE``: a worker never outlives the program
that started it, even if that program is killed) and puts each worker into it
(``AssignProcessToJobObject`` on the worker's process handle, which
``multiprocessing`` gives as ``Process.sentinel`` on Windows). The pool keeps
the job's handle for its life and closes it in ``close()``.

A worker that asks for more than the limit has the allocation refused by
Windows: Python raises ``MemoryError`` (the worker answers with the memory
message), or, where C code cannot recover, the worker ends with one of
:data:`MEMORY_EXIT_CODES`, which the caller also reports as the memory message.

The structures follow winnt.h; their sizes and offsets are checked by a test
against the documented x64 layout (64, 48 and 144 bytes). ``ctypes.wintypes``
is not used, because on Linux ``c_ulong`` is 8 bytes where Windows' ``DWORD`` is 4:
fixed-width types keep the layout the same wherever the test runs.

Every check reads ``os.name`` when called, and :func:`kernel32` can be replaced,
so tests can simulate Windows.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

from .errors import EnvironmentFailure

#: ``LimitFlags``: cap the memory each process in the job can commit.
JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100
#: ``LimitFlags``: end every process in the job when its last handle is closed.
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
#: ``JOBOBJECTINFOCLASS`` value of JOBOBJECT_EXTENDED_LIMIT_INFORMATION.
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9

#: Bytes a worker may commit to hold Python, the libraries and its pack before it renders
#: (the job's limit is this plus the pool's per-document allowance; a spawned worker cannot
#: measure what it holds before the job is set, as the POSIX worker does).
LOADED_ALLOWANCE_BYTES = 256 << 20

#: Exit codes of a Windows process that ran out of memory in C code: STATUS_NO_MEMORY,
#: STATUS_COMMITMENT_LIMIT, STATUS_ACCESS_VIOLATION (an unchecked failed allocation),
#: STATUS_STACK_BUFFER_OVERRUN (the C runtime's fail-fast, as abort() ends on recent Windows)
#: and 3 (abort() in older C runtimes; Python's "Cannot allocate memory" fatal error).
MEMORY_EXIT_CODES = frozenset({0xC0000017, 0xC000012D, 0xC0000005, 0xC0000409, 3})

_FAILED = "arbejdsprocessens hukommelse kunne ikke begrænses (Windows-jobobjekt, fejl {code})"


class IO_COUNTERS(ctypes.Structure):  # noqa: N801 - the name winnt.h gives it
    """winnt.h IO_COUNTERS (reserved in the extended limit information; 48 bytes)."""

    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class JOBOBJECT_BASIC_LIMIT_INFORMATION(ctypes.Structure):  # noqa: N801
    """winnt.h JOBOBJECT_BASIC_LIMIT_INFORMATION (64 bytes on x64, 48 on x86)."""

    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),  # LARGE_INTEGER
        ("PerJobUserTimeLimit", ctypes.c_int64),  # LARGE_INTEGER
        ("LimitFlags", ctypes.c_uint32),  # DWORD
        ("MinimumWorkingSetSize", ctypes.c_size_t),  # SIZE_T
        ("MaximumWorkingSetSize", ctypes.c_size_t),  # SIZE_T
        ("ActiveProcessLimit", ctypes.c_uint32),  # DWORD
        ("Affinity", ctypes.c_size_t),  # ULONG_PTR
        ("PriorityClass", ctypes.c_uint32),  # DWORD
        ("SchedulingClass", ctypes.c_uint32),  # DWORD
    ]


class JOBOBJECT_EXTENDED_LIMIT_INFORMATION(ctypes.Structure):  # noqa: N801
    """winnt.h JOBOBJECT_EXTENDED_LIMIT_INFORMATION (144 bytes on x64, 112 on x86)."""

    _fields_ = [
        ("BasicLimitInformation", JOBOBJECT_BASIC_LIMIT_INFORMATION),
        ("IoInfo", IO_COUNTERS),
        ("ProcessMemoryLimit", ctypes.c_size_t),  # SIZE_T
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


def on_windows() -> bool:
    """True on Windows (read at each call, so tests can simulate it)."""
    return os.name == "nt"


def kernel32() -> Any:
    """Windows' kernel32 with the prototypes used here (replaced by a recording fake in tests)."""
    library = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle, boolean, dword = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32
    library.CreateJobObjectW.argtypes = [ctypes.c_void_p, ctypes.c_wchar_p]
    library.CreateJobObjectW.restype = handle
    library.SetInformationJobObject.argtypes = [handle, ctypes.c_int, ctypes.c_void_p, dword]
    library.SetInformationJobObject.restype = boolean
    library.AssignProcessToJobObject.argtypes = [handle, handle]
    library.AssignProcessToJobObject.restype = boolean
    library.CloseHandle.argtypes = [handle]
    library.CloseHandle.restype = boolean
    return library


def _last_error() -> int:
    getter = getattr(ctypes, "get_last_error", None)
    return getter() if getter is not None else 0


class Job:
    """One job object whose processes may each commit at most ``memory_bytes``.

    Create it with :meth:`for_workers`, which gives ``None`` off Windows.
    """

    def __init__(self, memory_bytes: int, library: Any):
        self._kernel32 = library
        self.memory_bytes = memory_bytes
        self._handle = library.CreateJobObjectW(None, None)
        if not self._handle:
            raise EnvironmentFailure(_FAILED.format(code=_last_error()))
        info = JOBOBJECT_EXTENDED_LIMIT_INFORMATION()
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        info.ProcessMemoryLimit = memory_bytes
        if not library.SetInformationJobObject(self._handle, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
                                               ctypes.byref(info), ctypes.sizeof(info)):
            code = _last_error()
            self.close()
            raise EnvironmentFailure(_FAILED.format(code=code))

    @classmethod
    def for_workers(cls, memory_bytes: int) -> "Job | None":
        """A job capping each worker at ``memory_bytes`` plus :data:`LOADED_ALLOWANCE_BYTES`, on Windows;
        None elsewhere (POSIX workers cap themselves with ``RLIMIT_AS``)."""
        if not on_windows():
            return None
        return cls(memory_bytes + LOADED_ALLOWANCE_BYTES, kernel32())

    def assign(self, process_handle: int) -> None:
        """Put the process ``process_handle`` into the job; EnvironmentFailure if Windows refuses."""
        if not self._kernel32.AssignProcessToJobObject(self._handle, process_handle):
            raise EnvironmentFailure(_FAILED.format(code=_last_error()))

    def close(self) -> None:
        """Close the job's handle: Windows ends any process still in it."""
        handle, self._handle = self._handle, None
        if handle:
            self._kernel32.CloseHandle(handle)


def ran_out_of_memory(exit_code: int | None) -> bool:
    """True if a Windows worker's ``exit_code`` says an allocation failed (the job's limit)."""
    return exit_code is not None and (exit_code & 0xFFFFFFFF) in MEMORY_EXIT_CODES
