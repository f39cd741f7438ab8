"""Windows, simulated: no Windows machine is at hand, so these run everywhere. Issue #16.

``_platform`` sees a copy of ``os`` whose ``name`` is ``"nt"`` and which lacks
``fchmod``, ``killpg`` and ``chmod``'s meaning, as on Windows before Python 3.13;
``icacls``, ``whoami`` and ``taskkill`` are stand-ins in a fake ``System32`` that
record how they were called. A cp1252 stdout is made with ``PYTHONIOENCODING``.
What this cannot show (the ACL Windows really sets, a real console) is named in
the README.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest

from beredskab.cli import _console
from beredskab.cli.commands import cli
from beredskab.errors import EnvironmentFailure
from beredskab.output import _platform, pdf
from beredskab.output import files as output

from .conftest import DATA, ROOT

SID = "S-1-5-21-1004336348-1177238915-682003330-1001"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def posix_without(*names: str) -> types.SimpleNamespace:
    """A copy of the os module without the functions ``names``."""
    fake = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    for name in names:
        delattr(fake, name)
    return fake


@pytest.fixture
def system32(tmp_path, monkeypatch):
    """A fake Windows folder whose icacls/whoami/taskkill log their arguments to calls.log."""
    root = tmp_path / "Windows"
    folder = root / "System32"
    folder.mkdir(parents=True)
    log = folder / "calls.log"
    for program, output_line, code in (("icacls.exe", "", 0), ("whoami.exe", f'"pc\\\\mette","{SID}"', 0),
                                       ("taskkill.exe", "", 0)):
        script = folder / program
        script.write_text(f"#!{sys.executable}\nimport sys, json\n"
                          f"open({str(log)!r}, 'a').write(json.dumps(sys.argv) + '\\n')\n"
                          f"print({output_line!r})\nsys.exit({code})\n")
        script.chmod(0o700)
    monkeypatch.setenv("SystemRoot", str(root))
    _platform.current_user.cache_clear()
    yield folder
    _platform.current_user.cache_clear()


def calls(system32: Path) -> list[list[str]]:
    log = system32 / "calls.log"
    if not log.exists():
        return []
    return [[Path(argv[0]).name, *argv[1:]] for argv in map(json.loads, log.read_text().splitlines())]


@pytest.fixture
def windows(monkeypatch, system32):
    """``_platform`` believes it runs on Windows: os.name is 'nt', fchmod and killpg are absent."""
    fake = posix_without("fchmod", "killpg")
    fake.name = "nt"
    monkeypatch.setattr(_platform, "os", fake)
    return system32


# --- private files --------------------------------------------------------------------


def test_write_all_without_fchmod_still_writes_private_files(monkeypatch, tmp_path):
    """os.fchmod is missing on Windows before Python 3.13 (every write failed with 'intern fejl')."""
    monkeypatch.delattr(os, "fchmod")
    target = tmp_path / "out" / "A-1" / "A-1_note.docx"
    assert output.write_all({target: b"doc"}) == [target]
    assert target.read_bytes() == b"doc" and mode(target) == 0o600 and mode(target.parent) == 0o700


def test_windows_new_folders_get_an_acl_for_the_user_alone_inherited_by_their_files(windows, tmp_path):
    target = tmp_path / "out" / "A-1" / "A-1_note.docx"
    output.write_all({target: b"doc", target.with_name("A-1_other.docx"): b"other"})
    assert target.read_bytes() == b"doc"
    grant = ["/inheritance:r", "/grant:r", f"*{SID}:(OI)(CI)F"]
    # one whoami for the user's SID, then one icacls per new folder; none per file (they inherit)
    assert calls(windows) == [
        ["whoami.exe", "/user", "/fo", "csv", "/nh"],
        ["icacls.exe", str(tmp_path / "out"), *grant],
        ["icacls.exe", str(tmp_path / "out" / "A-1"), *grant],
    ]


def test_windows_an_existing_case_folder_is_made_private_again(windows, tmp_path):
    folder = tmp_path / "out" / "A-1"
    folder.mkdir(parents=True)
    output.write_all({folder / "A-1_note.docx": b"doc"})
    assert calls(windows)[1:] == [["icacls.exe", str(folder), "/inheritance:r", "/grant:r", f"*{SID}:(OI)(CI)F"]]


def test_windows_a_case_file_in_the_users_folder_gets_its_own_acl(windows, tmp_path):
    target = tmp_path / "sag.json"
    output.replace_file(target, b"{}")
    (argv,) = [c for c in calls(windows) if c[0] == "icacls.exe"]
    assert argv[1].startswith(str(tmp_path / ".sag.json.")) and argv[2:] == ["/inheritance:r", "/grant:r", f"*{SID}:F"]
    assert target.read_bytes() == b"{}"


def test_windows_files_without_personal_data_keep_the_folders_acl(windows, tmp_path):
    output.replace_file(tmp_path / "schema.json", b"{}", private=False)
    output.write_all({tmp_path / "pack" / "plan.yaml": b"x: 1"}, private=False)
    assert calls(windows) == []


def test_windows_an_acl_that_cannot_be_set_fails_and_writes_nothing(windows, tmp_path):
    (windows / "icacls.exe").write_text(f"#!{sys.executable}\nimport sys\nsys.exit(5)\n")
    target = tmp_path / "out" / "A-1" / "A-1_note.docx"
    with pytest.raises(EnvironmentFailure) as info:
        output.write_all({target: b"doc"})
    assert info.value.lines() == [
        "adgangen kunne ikke begrænses til dig (drevet understøtter ikke adgangslister; vælg en mappe på et "
        f"NTFS-drev) ({tmp_path / 'out'})"]
    assert not target.exists()


def test_windows_without_whoami_the_user_is_named_from_the_environment(windows, monkeypatch):
    (windows / "whoami.exe").unlink()
    monkeypatch.setenv("USERDOMAIN", "KOMMUNE")
    monkeypatch.setenv("USERNAME", "mette")
    assert _platform.current_user() == "KOMMUNE\\mette"


def test_windows_a_file_another_program_holds_open_is_named_in_danish():
    err = PermissionError(13, "The process cannot access the file")
    err.winerror = 32  # ERROR_SHARING_VIOLATION: Word has the document open
    assert output.danish_os_error(err) == "filen er åben i et andet program (fx Word); luk den, og prøv igen"


# --- LibreOffice ------------------------------------------------------------------------


def test_windows_soffice_exe_is_found_in_the_program_folders(windows, tmp_path, monkeypatch):
    program = tmp_path / "Programmer" / "LibreOffice" / "program" / "soffice.exe"
    program.parent.mkdir(parents=True)
    program.write_text("")
    (tmp_path / "Programmer" / "LibreOffice 5" / "program").mkdir(parents=True)
    (tmp_path / "Programmer" / "LibreOffice 5" / "program" / "soffice.exe").write_text("")
    monkeypatch.delenv(pdf.SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("ProgramW6432", raising=False)
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path / "none"))
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "Programmer"))
    assert pdf.find_soffice() == str(program)


def test_soffice_program_folders_are_not_searched_off_windows(tmp_path, monkeypatch):
    program = tmp_path / "LibreOffice" / "program" / "soffice.exe"
    program.parent.mkdir(parents=True)
    program.write_text("")
    monkeypatch.delenv(pdf.SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("ProgramFiles", str(tmp_path))
    assert pdf.find_soffice() is None


def test_windows_libreoffice_starts_in_a_new_process_group_and_a_hang_stops_its_tree(windows, tmp_path, monkeypatch):
    started = {}

    class Hanging:
        pid = 4242
        returncode = None

        def __init__(self, command, **options):
            started.update(options)

        def communicate(self, timeout=None):
            if timeout is not None:
                raise subprocess.TimeoutExpired("soffice", timeout)
            return b"", b""

        def kill(self):
            started["killed"] = True

    soffice = tmp_path / "soffice.exe"
    soffice.write_text("")
    soffice.chmod(0o700)
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(soffice))
    monkeypatch.setattr(pdf, "subprocess", types.SimpleNamespace(
        Popen=Hanging, DEVNULL=subprocess.DEVNULL, PIPE=subprocess.PIPE, TimeoutExpired=subprocess.TimeoutExpired))
    with pytest.raises(EnvironmentFailure, match="svarede ikke inden for"):
        pdf.convert({"a.docx": b"PK"})
    assert "start_new_session" not in started and started["creationflags"] == 0x200  # CREATE_NEW_PROCESS_GROUP
    assert ["taskkill.exe", "/F", "/T", "/PID", "4242"] in calls(windows) and started["killed"]


def test_a_hanging_libreoffice_is_stopped_without_killpg(monkeypatch, tmp_path):
    """A POSIX system without os.killpg still stops the program it started."""
    monkeypatch.setattr(_platform, "os", posix_without("killpg"))
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o700)
    monkeypatch.setenv(pdf.SOFFICE_ENV, str(fake))
    monkeypatch.setattr(pdf, "TIMEOUT_SECONDS", 0.3)
    with pytest.raises(EnvironmentFailure, match="svarede ikke inden for"):
        pdf.convert({"a.docx": b"PK"})


# --- what beredskab writes to stdout and reads back ---------------------------------------


def run_cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "BEREDSKAB_CACHE": "off", **env}
    return subprocess.run([sys.executable, "-m", "beredskab", *args], cwd=cwd, capture_output=True,
                          env=environment, timeout=120)


def test_cp1252_stdout_still_gets_utf8_that_beredskab_reads_back(tmp_path):
    """A Windows console's code page (cp1252) must not decide the bytes of `schema`/`init` output."""
    schema = run_cli(["schema", "case"], tmp_path, PYTHONIOENCODING="cp1252")
    assert schema.returncode == 0, schema.stderr
    text = schema.stdout.decode("utf-8")  # not cp1252: "æ" would be b"\xe6" and fail here
    assert "Beskrivelse af hændelsen" in text and json.loads(text)["title"] == "Sag (beredskab)"
    skeleton = run_cli(["init", "incident"], tmp_path, PYTHONIOENCODING="cp1252")
    (tmp_path / "sag.json").write_bytes(skeleton.stdout)
    check = run_cli(["validate", "sag.json", "--set", "incident.location=Århus Ø 🙂"], tmp_path,
                    PYTHONIOENCODING="cp1252")
    assert "Felt 'Sted'" not in check.stderr.decode("utf-8")
    assert "Felt 'Sagsnummer' (incident.case_id)" in check.stderr.decode("utf-8")


def test_utf8_streams_switches_a_redirected_cp1252_stream_to_utf8(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", stream)
    _console.utf8_streams()
    print("Østergade 🙂")
    stream.flush()
    assert raw.getvalue().decode("utf-8") == "Østergade 🙂\n"


@pytest.mark.parametrize("name", ["utf16-bom.json", "utf8-bom.json"])
def test_case_files_saved_by_windows_tools_are_read(runner, name):
    """PowerShell 5.1's `>` writes UTF-16 with a BOM; Notepad's 'UTF-8 med BOM' starts with one."""
    result = runner.invoke(cli, ["validate", str(DATA / "windows" / name)])
    assert (result.exit_code, result.stdout) == (0, "Sagen KME-2024-001 er gyldig (incident).\n")


def test_readme_says_how_to_use_beredskab_on_windows_and_what_is_untested():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    danish = readme[readme.index("## Dansk vejledning"):]
    assert "### På Windows" in danish and "ikke afprøvet på en rigtig Windows-maskine" in danish
    assert "beredskab init case -o sag.json" in danish and "> sag.json" not in readme
