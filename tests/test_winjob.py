"""Windows, simulated: the render workers' memory is capped by a job object (issue 18).

No Windows machine is at hand. ``_winjob`` sees a copy of ``os`` whose ``name`` is
``"nt"`` and a recording stand-in for kernel32; the workers are real processes. The
structures handed to Windows are read back byte by byte at the offsets winnt.h gives
for x64, so a wrong layout fails here. What this cannot show (that Windows enforces
the limit, its real exit codes) is named in the README's security section.
"""

from __future__ import annotations

import ctypes
import os
import struct
import types

import pytest

from beredskab import _isolation, _winjob
from beredskab.engine import Engine
from beredskab.errors import EnvironmentFailure, TemplateError

from .conftest import TODAY

JOB_HANDLE = 0x4A0B
MEMORY_MESSAGE = "skabelonen bruger for meget hukommelse; dokumentet er ikke dannet"
X64 = ctypes.sizeof(ctypes.c_void_p) == 8


class FakeKernel32:
    """Records every call as (function, arguments); SetInformationJobObject keeps the bytes it was given."""

    def __init__(self, create=JOB_HANDLE, assign=1, set_information=1):
        self.calls: list[tuple] = []
        self.limits: bytes = b""
        self._answers = {"create": create, "assign": assign, "set": set_information}

    def CreateJobObjectW(self, attributes, name):  # noqa: N802 - kernel32's names
        self.calls.append(("CreateJobObjectW", attributes, name))
        return self._answers["create"]

    def SetInformationJobObject(self, job, info_class, info, size):  # noqa: N802
        structure = info._obj  # ctypes.byref(...)
        self.limits = ctypes.string_at(ctypes.addressof(structure), size)
        self.calls.append(("SetInformationJobObject", job, info_class, size))
        return self._answers["set"]

    def AssignProcessToJobObject(self, job, process):  # noqa: N802
        self.calls.append(("AssignProcessToJobObject", job, process))
        return self._answers["assign"]

    def CloseHandle(self, handle):  # noqa: N802
        self.calls.append(("CloseHandle", handle))
        return 1

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]


@pytest.fixture
def windows(monkeypatch):
    """``_winjob`` believes it runs on Windows and talks to a recording kernel32."""
    fake_os = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    fake_os.name = "nt"
    monkeypatch.setattr(_winjob, "os", fake_os)
    kernel32 = FakeKernel32()
    monkeypatch.setattr(_winjob, "kernel32", lambda: kernel32)
    return kernel32


class Exits:
    """A worker's engine whose one method ends the worker as Windows ends a process (fork: not pickled)."""

    def __init__(self, how: str):
        self.how = how

    def preview(self, *args):
        if self.how == "memory-error":
            raise MemoryError  # a commit the job refused, where Python can recover
        os._exit({"abort": 3, "crash": 1}[self.how])  # 3: abort() after a failed allocation in C


# -- the structures against winnt.h's x64 layout ------------------------------------------


@pytest.mark.skipif(not X64, reason="the documented layout checked here is x64's")
def test_job_structures_have_the_documented_x64_sizes_and_offsets():
    basic, io, extended = (_winjob.JOBOBJECT_BASIC_LIMIT_INFORMATION, _winjob.IO_COUNTERS,
                           _winjob.JOBOBJECT_EXTENDED_LIMIT_INFORMATION)
    assert (ctypes.sizeof(basic), ctypes.sizeof(io), ctypes.sizeof(extended)) == (64, 48, 144)
    assert {name: getattr(basic, name).offset for name, _ in basic._fields_} == {
        "PerProcessUserTimeLimit": 0, "PerJobUserTimeLimit": 8, "LimitFlags": 16,
        "MinimumWorkingSetSize": 24, "MaximumWorkingSetSize": 32, "ActiveProcessLimit": 40,
        "Affinity": 48, "PriorityClass": 56, "SchedulingClass": 60}
    assert [getattr(io, name).offset for name, _ in io._fields_] == [0, 8, 16, 24, 32, 40]
    assert {name: getattr(extended, name).offset for name, _ in extended._fields_} == {
        "BasicLimitInformation": 0, "IoInfo": 64, "ProcessMemoryLimit": 112, "JobMemoryLimit": 120,
        "PeakProcessMemoryUsed": 128, "PeakJobMemoryUsed": 136}


def test_job_flags_are_winnts_values():
    assert _winjob.JOB_OBJECT_LIMIT_PROCESS_MEMORY == 0x100
    assert _winjob.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE == 0x2000
    assert _winjob.JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS == 9


# -- the pool on simulated Windows ---------------------------------------------------------


@pytest.mark.skipif(not X64, reason="the bytes are read at x64 offsets")
def test_windows_workers_go_into_one_job_capping_memory_and_ending_them_with_the_pool(
        windows, make_pack, phone_threat):
    engine = Engine.load(make_pack({"templates/checklist.html.j2": "<p>{{ doc.case_id }}</p>\n"}), workers=2)
    assert engine.preview(phone_threat, "checklist", today=TODAY) == "<p>KME-2026-031</p>"
    [worker] = engine.workers._idle
    sentinel = worker._process.sentinel
    assert windows.calls == [("CreateJobObjectW", None, None),
                             ("SetInformationJobObject", JOB_HANDLE, 9, 144),
                             ("AssignProcessToJobObject", JOB_HANDLE, sentinel)]
    flags = struct.unpack_from("<I", windows.limits, 16)[0]
    process_limit, job_limit = struct.unpack_from("<QQ", windows.limits, 112)
    assert flags == 0x100 | 0x2000
    assert process_limit == _isolation.WORKER_MEMORY_BYTES + _winjob.LOADED_ALLOWANCE_BYTES
    assert job_limit == 0
    assert engine.preview(phone_threat, "checklist", today=TODAY) == "<p>KME-2026-031</p>"
    assert windows.names().count("CreateJobObjectW") == 1  # one job for the pool's life
    engine.workers.close()
    assert windows.calls[-1] == ("CloseHandle", JOB_HANDLE)
    assert not worker._process.is_alive()


@pytest.mark.parametrize("fake, step", [(FakeKernel32(create=0), "CreateJobObjectW"),
                                        (FakeKernel32(set_information=0), "SetInformationJobObject"),
                                        (FakeKernel32(assign=0), "AssignProcessToJobObject")])
def test_windows_a_job_windows_refuses_is_a_danish_error_and_no_worker_renders(
        windows, monkeypatch, make_pack, phone_threat, fake, step):
    monkeypatch.setattr(_winjob, "kernel32", lambda: fake)
    engine = Engine.load(make_pack({"templates/checklist.html.j2": "<p>{{ doc.case_id }}</p>\n"}))
    with pytest.raises(EnvironmentFailure) as info:
        engine.preview(phone_threat, "checklist", today=TODAY)
    assert info.value.lines()[0].startswith("arbejdsprocessens hukommelse kunne ikke begrænses (Windows-jobobjekt")
    assert fake.names()[-1] in (step, "CloseHandle")
    assert not engine.workers._all and not engine.workers._idle  # the unbounded worker was stopped


@pytest.mark.parametrize("how, message", [
    ("memory-error", MEMORY_MESSAGE),  # the job refused a commit; Python raised MemoryError
    ("abort", MEMORY_MESSAGE),  # the job refused a commit in C code; the C runtime aborted (exit 3)
    ("crash", "dokumentet kunne ikke dannes: arbejdsprocessen stoppede uventet"),
])
def test_windows_a_worker_stopped_by_the_job_limit_gives_the_posix_message(windows, how, message):
    pool = _isolation.WorkerPool(_Loader(how))
    try:
        with pytest.raises((TemplateError, EnvironmentFailure)) as info:
            pool.call("preview")
        assert info.value.lines() == [message]
        assert "AssignProcessToJobObject" in windows.names()
    finally:
        pool.close()


@pytest.mark.parametrize("code", [0xC0000017, 0xC000012D, 0xC0000005, 0xC0000409, 3])
def test_windows_exit_codes_of_a_failed_allocation_are_memory(code):
    assert _winjob.ran_out_of_memory(code)


@pytest.mark.parametrize("code", [None, 0, 1, 0xC000013A])  # 0xC000013A: Ctrl-C
def test_windows_other_exit_codes_are_not_memory(code):
    assert not _winjob.ran_out_of_memory(code)


def test_off_windows_no_job_is_made(monkeypatch):
    monkeypatch.setattr(_winjob, "kernel32", lambda: pytest.fail("kernel32 loaded off Windows"))
    assert _winjob.Job.for_workers(1 << 30) is None


class _Loader:
    """Picklable loader giving an :class:`Exits` engine."""

    def __init__(self, how: str):
        self.how = how

    def __call__(self) -> Exits:
        return Exits(self.how)
