"""Write documents safely: predictable names, private permissions, atomic, all or nothing.

Case documents hold personal data, so folders are created 0700 and files 0600.
A run writes every document to a temporary file beside its target first and
renames them into place only when all were written: a failure leaves the
folder as it was (no half documents, no temp files). An existing document is
kept unless the caller forces it; a symlink where a document should go is
refused even with force, since following it could overwrite any file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import EnvironmentFailure, OutputError
from .plan import safe_relative

#: Permissions of folders and files that hold personal data.
DIR_MODE = 0o700
FILE_MODE = 0o600


def document_path(out_dir: Path, case_id: str, document: str, suffix: str = ".docx") -> Path:
    """``<out>/<case_id>/<case_id>_<document>.docx``; refuses names that could leave ``out``."""
    if safe_relative(case_id) is None or "/" in case_id or case_id.startswith("."):
        raise OutputError("sagsnummeret kan ikke bruges i et filnavn", path="incident.case_id")
    return Path(out_dir) / case_id / f"{case_id}_{document}{suffix}"


def check_targets(targets: list[Path], force: bool) -> None:
    """Refuse symlinks and (without force) existing files, naming all of them at once."""
    problems = []
    for target in targets:
        if target.is_symlink():
            problems.append(OutputError("der ligger et symbolsk link, hvor dokumentet skal skrives", file=str(target)))
        elif target.exists() and not force:
            problems.append(OutputError("findes allerede og bliver ikke overskrevet; brug --force for at erstatte det",
                                        file=str(target)))
        elif target.exists() and not target.is_file():
            problems.append(OutputError("der ligger en mappe, hvor dokumentet skal skrives", file=str(target)))
    if problems:
        raise OutputError([p for err in problems for p in err.problems])


def ensure_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) with private permissions."""
    try:
        if folder.is_symlink():
            raise OutputError("mappen er et symbolsk link; vælg en anden outputmappe", file=str(folder))
        folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if not folder.is_dir():
            raise OutputError("kan ikke oprette mappen; der ligger en fil med samme navn", file=str(folder))
        os.chmod(folder, DIR_MODE)
    except FileExistsError as err:
        raise OutputError("kan ikke oprette mappen; der ligger en fil med samme navn", file=str(folder)) from err
    except PermissionError as err:
        raise OutputError("ingen adgang til at oprette mappen", file=str(folder)) from err
    except OSError as err:
        raise EnvironmentFailure(f"mappen kunne ikke oprettes ({err.strerror or 'ukendt fejl'})", file=str(folder)) from err


def write_all(files: dict[Path, bytes], force: bool = False, replace: Iterable[Path] = ()) -> list[Path]:
    """Write every file atomically, all or none; return the paths written.

    :param replace: files of the run that replace an existing one even without
        force (the case's manifest, which a run merges rather than overwrites).
    """
    targets = list(files)
    replace = set(replace)

    def check() -> None:
        check_targets([t for t in targets if t not in replace], force)
        check_targets([t for t in targets if t in replace], True)

    check()
    temps: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            ensure_dir(target.parent)
            temps[target] = _write_temp(target, data)
        # Check again right before renaming: another process may have created a file meanwhile.
        check()
        for target, temp in temps.items():
            os.replace(temp, target)
    except OSError as err:
        raise EnvironmentFailure(f"dokumenterne kunne ikke skrives ({err.strerror or 'ukendt fejl'})") from err
    finally:
        for temp in temps.values():
            if temp.exists():
                temp.unlink()
    return targets


def _write_temp(target: Path, data: bytes) -> Path:
    """Write ``data`` to a private temp file in the target's folder, flushed to disk."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temp = Path(name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def replace_file(target: Path, data: bytes) -> Path:
    """Write one file atomically (temp file, then rename), replacing it if it exists; 0600.

    For a file the user names, such as a case file updated by ``beredskab fill``:
    its folder must exist and keeps its permissions.
    """
    target = Path(target)
    if target.is_symlink():
        raise OutputError("der ligger et symbolsk link, hvor filen skal skrives", file=str(target))
    if target.exists() and not target.is_file():
        raise OutputError("der ligger en mappe, hvor filen skal skrives", file=str(target))
    if not target.parent.is_dir():
        raise OutputError("mappen findes ikke", file=str(target.parent))
    temp = None
    try:
        temp = _write_temp(target, data)
        os.replace(temp, target)
    except PermissionError as err:
        raise OutputError("ingen adgang til at skrive filen", file=str(target)) from err
    except OSError as err:
        raise EnvironmentFailure(f"filen kunne ikke skrives ({err.strerror or 'ukendt fejl'})", file=str(target)) from err
    finally:
        if temp is not None and temp.exists():
            temp.unlink()
    return target
