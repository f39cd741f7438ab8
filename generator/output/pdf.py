"""Convert Word documents to PDF/A with LibreOffice headless; the only module that runs ``soffice``.

Conversion is bytes in, bytes out: the caller writes the PDFs together with the
.docx files (``output.write_all``), so a run stays all or nothing. Each call
works in its own private temporary folder with its own LibreOffice profile
(``-env:UserInstallation``), so parallel runs and a desktop LibreOffice that is
already open never collide, and nothing of the case is left behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import EnvironmentFailure
from ._platform import kill_tree, new_group_options, on_windows

#: Environment variable naming the LibreOffice program to use (else ``soffice`` on PATH).
SOFFICE_ENV = "BEREDSKAB_SOFFICE"

#: Program names searched on PATH, in order.
SOFFICE_NAMES = ("soffice", "libreoffice")

#: Environment variables naming Windows' program folders, where LibreOffice's installer puts
#: ``LibreOffice\program\soffice.exe`` (older versions ``LibreOffice 7``) without adding it to PATH.
WINDOWS_PROGRAM_FOLDERS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")

#: Seconds one conversion may take (a fresh profile costs a few seconds on first start).
TIMEOUT_SECONDS = 180

#: LibreOffice's PDF export filter with PDF/A-2b (``SelectPdfVersion`` 2: PDF/A-2; 1 and 3 are PDF/A-1b
#: and PDF/A-3b), given as JSON filter options (LibreOffice 7.4 and later).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'

#: The plain PDF export, for checks that only need to know a document converts.
PLAIN_FILTER = "pdf:writer_pdf_Export"

MISSING_MESSAGE = (
    "LibreOffice (soffice) blev ikke fundet, så der er ikke dannet PDF "
    "(installér LibreOffice Writer, eller angiv programmet med BEREDSKAB_SOFFICE)"
)


def find_soffice() -> str | None:
    """The LibreOffice program to run: $BEREDSKAB_SOFFICE if set (and executable), else soffice on
    PATH, else (on Windows) soffice.exe in LibreOffice's usual install folders."""
    chosen = os.environ.get(SOFFICE_ENV)
    if chosen:
        path = shutil.which(chosen)  # a bare name is looked up on PATH, a path is checked as it is
        return path
    for name in SOFFICE_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return _windows_installed() if on_windows() else None


def _windows_installed() -> str | None:
    """soffice.exe in the program folders: today's ``LibreOffice`` first, then the highest version."""
    for variable in WINDOWS_PROGRAM_FOLDERS:
        base = os.environ.get(variable)
        if not base:
            continue
        for folder in [Path(base) / "LibreOffice", *sorted(Path(base).glob("LibreOffice *"), reverse=True)]:
            program = folder / "program" / "soffice.exe"
            if program.is_file():
                return str(program)
    return None


def require_soffice() -> str:
    """The LibreOffice program, or EnvironmentFailure with a Danish message when it is missing."""
    path = find_soffice()
    if path is None:
        raise EnvironmentFailure(MISSING_MESSAGE)
    return path


def convert(documents: dict[str, bytes], *, pdfa: bool = True) -> dict[str, bytes]:
    """Convert .docx documents (file name -> bytes) to PDF; return PDF file name -> bytes.

    All documents go through one LibreOffice process. Raise EnvironmentFailure
    when LibreOffice is missing, fails, times out or leaves a PDF out.
    """
    soffice = require_soffice()
    if not documents:
        return {}
    with tempfile.TemporaryDirectory(prefix="beredskab-pdf-") as folder:
        work = Path(folder)  # mkdtemp makes it 0700: the case's personal data stays private
        sources = work / "in"
        target = work / "out"
        sources.mkdir(mode=0o700)  # LibreOffice writes the case's PDF here: never readable by others
        target.mkdir(mode=0o700)
        for name, data in documents.items():
            (sources / Path(name).name).write_bytes(data)
        command = [
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", PDFA_FILTER if pdfa else PLAIN_FILTER,
            "--outdir", str(target),
            *(str(sources / Path(name).name) for name in documents),
        ]
        returncode = _run(command)
        pdfs: dict[str, bytes] = {}
        missing: list[str] = []
        for name in documents:
            pdf_name = Path(name).with_suffix(".pdf").name
            produced = target / pdf_name
            if produced.is_file() and produced.stat().st_size > 0:
                pdfs[pdf_name] = produced.read_bytes()
            else:
                missing.append(Path(name).name)
        if missing:
            # soffice often exits 0 even when a conversion failed: the missing file is the signal.
            raise EnvironmentFailure(
                f"LibreOffice kunne ikke omdanne {', '.join(missing)} til PDF (afslutningskode {returncode})"
            )
        return pdfs


def _run(command: list[str]) -> int:
    """Run LibreOffice in its own process group; on timeout kill the whole group, not just the wrapper.

    ``soffice`` is often a shell script that starts ``soffice.bin``: killing only
    the script would leave LibreOffice running with the case's data open.
    """
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, **new_group_options())
    except OSError as err:
        raise EnvironmentFailure(f"LibreOffice kunne ikke startes ({err.strerror or 'ukendt fejl'}); "
                                 "der er ikke dannet PDF") from err
    try:
        process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as err:
        _stop(process)
        raise EnvironmentFailure(f"LibreOffice svarede ikke inden for {TIMEOUT_SECONDS} sekunder; "
                                 "der er ikke dannet PDF") from err
    except BaseException:
        # Ctrl-C or SIGTERM: LibreOffice must not go on writing the case's PDF after we are gone,
        # and the private folder is removed only once nothing of it runs any more.
        _stop(process)
        raise
    return process.returncode


def _stop(process: subprocess.Popen) -> None:
    """Kill LibreOffice's whole process group (the Windows process tree) and wait until it is gone."""
    kill_tree(process)
    try:
        process.communicate(timeout=30)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        pass  # a part of it that outlives even SIGKILL: the run ends anyway
