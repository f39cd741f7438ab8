"""Write documents safely: predictable names, private permissions, atomic, all or nothing.

Case documents hold personal data, so folders are created 0700 and files 0600.
A run writes every document to a temporary file beside its target first (same
folder, so the rename is atomic; flushed with fsync) and moves them into place
only when all were written. If anything fails before the last one is in place,
the documents already moved are rolled back (a replaced document gets its old
content again), so a failure leaves the folder as it was: no half documents, no
temp files. An existing document is kept unless the caller forces it, and then
only the named document is replaced. A symlink where a document should go is
refused even with force, since following it could overwrite any file.

A process killed outright (SIGKILL, power cut) cannot clean up; it still leaves
every document whole (old or new), and the hidden temp files it may leave are
removed by the next run that writes the same documents.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Callable, Iterable

from ..errors import EnvironmentFailure, OutputError
from ._platform import on_windows, restrict_dir, restrict_file
from .temps import open_temp, remove_own_temps, remove_stale_temps, unlink_quietly
from ..pack.loader import safe_relative

#: Permissions of folders and files that hold personal data.
DIR_MODE = 0o700
FILE_MODE = 0o600
#: Permissions of folders and files without personal data (a plan pack, a JSON Schema).
PUBLIC_DIR_MODE = 0o755
PUBLIC_FILE_MODE = 0o644

#: Names Windows reserves for devices, with or without an extension.
_DEVICE_NAME = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: Danish for the operating-system errors a person can meet when writing, by errno.
_OS_REASONS = {
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "din diskkvote er brugt op",
    errno.EROFS: "drevet er skrivebeskyttet",
    errno.EACCES: "ingen adgang",
    errno.EPERM: "ingen adgang",
    errno.ENAMETOOLONG: "stien er for lang",
    errno.EIO: "fejl ved læsning eller skrivning på drevet",
    errno.ENOENT: "en mappe eller fil forsvandt undervejs",
}


#: Windows' own error numbers for a file another program holds open (Word locks an open document).
_WINDOWS_IN_USE = (32, 33)


def danish_os_error(err: OSError) -> str:
    """A Danish reason for ``err`` (the operating system's own text is English)."""
    if getattr(err, "winerror", None) in _WINDOWS_IN_USE:
        return "filen er åben i et andet program (fx Word); luk den, og prøv igen"
    return _OS_REASONS.get(err.errno, f"systemfejl {errno.errorcode.get(err.errno, err.errno)}")


def document_path(out_dir: Path, case_id: str, document: str, suffix: str = ".docx") -> Path:
    """``<out>/<case_id>/<case_id>_<document>.docx``; refuses names that could leave ``out``."""
    if (safe_relative(case_id) is None or "/" in case_id or case_id.startswith((".", "-"))
            or case_id.endswith((".", " ")) or _CONTROL.search(case_id) or _DEVICE_NAME.fullmatch(case_id)):
        raise OutputError("sagsnummeret kan ikke bruges i et filnavn", path="incident.case_id")
    return Path(out_dir, case_id, f"{case_id}_{document}{suffix}")


def check_targets(targets: list[Path], force: bool) -> set[Path]:
    """Refuse symlinks and (without force) existing files, naming all of them at once; return the
    targets that exist (one ``lstat`` each)."""
    problems = []
    present = set()
    for target in targets:
        status = _lstat(target)
        if status is None:
            continue
        present.add(target)
        if stat.S_ISLNK(status.st_mode):
            problems.append(OutputError("der ligger et symbolsk link, hvor dokumentet skal skrives", file=str(target)))
        elif not force:
            problems.append(OutputError("findes allerede og bliver ikke overskrevet; brug --force for at erstatte det",
                                        file=str(target)))
        elif not stat.S_ISREG(status.st_mode):
            problems.append(OutputError("der ligger en mappe, hvor dokumentet skal skrives", file=str(target)))
    if problems:
        raise OutputError([p for err in problems for p in err.problems])
    return present


def _lstat(path: Path) -> os.stat_result | None:
    """``os.lstat(path)``, or None where nothing is (the errors pathlib's ``exists`` takes as "no")."""
    try:
        return os.lstat(path)
    except OSError as err:
        if err.errno in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            return None
        raise


def ensure_dir(folder: Path, private: bool = True) -> list[Path]:
    """Create ``folder`` and any missing parents, private (0700) unless ``private`` is False (0755);
    return the folders created, outermost first.

    An existing private folder loses any rights of group and others, but is never given
    a right its owner took away: a read-only (0500) folder is refused, not made writable.
    """
    mode = DIR_MODE if private else PUBLIC_DIR_MODE
    try:
        status = _lstat(folder)  # one lstat tells a link, a folder, a file and nothing apart
        if status is not None and stat.S_ISLNK(status.st_mode):
            raise OutputError("mappen er et symbolsk link; vælg en anden outputmappe", file=str(folder))
        missing = []
        made = status is None and _mkdir(folder, mode)  # the usual case: its parent is there
        current = folder
        while status is None and current != current.parent:  # neither there nor a (dangling) link
            missing.append(current)
            if made:
                break
            current = current.parent
            status = _lstat(current)
        for path in reversed(missing):
            if not made:
                path.mkdir(mode=mode)
            status = os.stat(path)
            if on_windows() or stat.S_IMODE(status.st_mode) != mode:
                restrict_dir(path, mode)  # mkdir's mode is reduced by the umask (and ignored on Windows)
        if not stat.S_ISDIR(status.st_mode):
            raise OutputError("kan ikke oprette mappen; der ligger en fil med samme navn", file=str(folder))
        if not missing:
            current_mode = stat.S_IMODE(status.st_mode)
            if not on_windows() and not current_mode & stat.S_IWUSR:
                _refuse_read_only(folder)
            if private:  # take rights from group and others, never give one
                wanted = mode if on_windows() else mode & current_mode
                if on_windows() or wanted != current_mode:
                    restrict_dir(folder, wanted)
        return list(reversed(missing))
    except (FileExistsError, NotADirectoryError) as err:
        raise OutputError("kan ikke oprette mappen; der ligger en fil med samme navn", file=str(folder)) from err
    except PermissionError as err:
        raise OutputError("ingen adgang til at oprette mappen", file=str(folder)) from err
    except OSError as err:
        raise EnvironmentFailure(f"mappen kunne ikke oprettes ({danish_os_error(err)})", file=str(folder)) from err


def _mkdir(folder: Path, mode: int) -> bool:
    """Make ``folder``; False where its parent is missing (then the parents are made first)."""
    try:
        folder.mkdir(mode=mode)
    except FileNotFoundError:
        return False
    return True


def write_all(files: dict[Path, bytes], force: bool = False, replace: Iterable[Path] = (),
              private: bool = True) -> list[Path]:
    """Write every file atomically, all or none; return the paths written.

    :param replace: files of the run that replace an existing one even without
        force (the case's manifest, which a run merges rather than overwrites).
    :param private: files 0600 in folders 0700 (personal data); False for files
        anyone may read (0644 in 0755: a plan pack).
    """
    staging = Staging(files, force, replace, private)
    try:
        staging.write_temps()
        staging.place()
        staging.sync_folders()
    except BaseException as err:
        staging.roll_back()
        failure = write_failure(err)
        if failure is not None:
            raise failure from err
        raise
    finally:
        staging.discard()
    return staging.targets


class Staging:
    """One all-or-nothing write in its steps: every file (and a copy of each one it replaces) to a
    temp file beside it; then, checked again, all moved into place; a failure rolls them back.

    :func:`write_all` runs the steps for one run; ``output/group.py`` runs them for a batch's
    chunk of cases, with one disk sync for all of their temp files.
    """

    def __init__(self, files: dict[Path, bytes], force: bool = False, replace: Iterable[Path] = (),
                 private: bool = True, rename_new: Callable[[Path, Path], None] | None = None):
        """:param rename_new: renames a temp file to a new target, refusing (FileExistsError) where
            one is there (Linux's ``renameat2`` with ``RENAME_NOREPLACE``, from ``group.py``);
            None links it there and removes the temp file afterwards, as everywhere."""
        self.files = files
        self.rename_new = rename_new
        self.moved: set[Path] = set()  # temp files moved to their targets (none left to remove)
        self.force = force
        self.replace = set(replace)
        self.private = private
        self.targets = list(files)
        self._parents = [t.parent for t in self.targets]
        self.folders = list(dict.fromkeys(self._parents))  # once each: on Windows a program runs
        self._kept = [t for t in self.targets if t not in self.replace]  # refused if there (without force)
        self._replaced = [t for t in self.targets if t in self.replace]
        self.temps: dict[Path, Path] = {}
        self.backups: dict[Path, Path] = {}
        self.placed: list[Path] = []

    def check(self) -> set[Path]:
        """Refuse what must not be written over; return the targets that exist."""
        present = check_targets(self._kept, self.force)
        return present | check_targets(self._replaced, True)

    def write_temps(self, sync: bool = True) -> None:
        """Every file to its temp file, and a copy of each file it replaces (for a roll-back);
        flushed to disk one by one unless ``sync`` is False (the caller syncs them all at once)."""
        mode = FILE_MODE if self.private else PUBLIC_FILE_MODE
        self.check()
        for folder in self.folders:
            ensure_dir(folder, self.private)
        for folder in self.folders:
            remove_stale_temps(folder, {t.name for t, parent in zip(self.targets, self._parents) if parent == folder})
        for target, data in self.files.items():
            # A private folder passes its Windows ACL on to the files made in it.
            self.temps[target] = _write_temp(target, data, mode, folder_private=True, sync=sync)
        for target in self.targets:
            if target.exists():
                self.backups[target] = _write_temp(target, target.read_bytes(), mode, folder_private=True, sync=sync)

    def place(self) -> None:
        """Move every temp file into place; checked again first: another process may have created a file meanwhile."""
        present = self.check()
        for target in self.targets:
            if _place(self.temps[target], target, exists=target in present, rename_new=self.rename_new):
                self.moved.add(self.temps[target])
            self.placed.append(target)

    def sync_folders(self) -> None:
        for folder in self.folders:
            _fsync_dir(folder)

    def roll_back(self) -> None:
        """Undo what was placed (old content back, new files removed) and remove the temp files,
        also one an interrupt left half-made."""
        _roll_back(self.placed, self.backups)
        self.placed = []
        remove_own_temps(self.folders)

    def discard(self) -> None:
        """Remove the temp files and copies that are left (after the moves, or a roll-back)."""
        for temp in [*self.temps.values(), *self.backups.values()]:
            if temp not in self.moved:
                unlink_quietly(temp)


def write_failure(err: BaseException) -> OutputError | EnvironmentFailure | None:
    """The Danish error for an OS error that stopped a write; None for anything else (re-raised as it is)."""
    if isinstance(err, PermissionError):
        folder = Path(err.filename).parent if err.filename else None
        return OutputError(f"dokumenterne kunne ikke skrives ({danish_os_error(err)})", file=folder and str(folder))
    if isinstance(err, OSError):
        return EnvironmentFailure(f"dokumenterne kunne ikke skrives ({danish_os_error(err)})")
    return None


def _refuse_read_only(folder: Path) -> None:
    """A folder its owner made read-only stays so: refuse to write into it (even as root, even with --force)."""
    if not on_windows() and not stat.S_IMODE(folder.stat().st_mode) & stat.S_IWUSR:
        raise OutputError("mappen er skrivebeskyttet, så intet er skrevet; fjern selv skrivebeskyttelsen, "
                          "hvis dokumenterne skal skrives", file=str(folder))


def _place(temp: Path, target: Path, exists: bool | None = None,
           rename_new: Callable[[Path, Path], None] | None = None) -> bool:
    """Move ``temp`` to ``target``; a new target is linked (or renamed by ``rename_new``, which
    refuses as a link does) so a file that appeared meanwhile is never replaced.

    :param exists: whether ``target`` exists, as the caller's check just found (None: look).
    :return: True when ``temp`` is gone (moved), False when it is linked and still to be removed.
    """
    if target.exists() if exists is None else exists:  # only when replacing is allowed: the callers refused it otherwise
        os.replace(temp, target)
        return True
    try:
        if rename_new is not None:
            try:
                rename_new(temp, target)
                return True
            except OSError as err:
                if err.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
                    raise
                # this file system cannot rename without replacing: link, as everywhere else
        os.link(temp, target)
    except FileExistsError as err:
        raise OutputError("findes allerede og bliver ikke overskrevet; brug --force for at erstatte det",
                          file=str(target)) from err
    except OSError:  # a file system without hard links (FAT, some network drives)
        os.replace(temp, target)
        return True
    return False


def _roll_back(placed: list[Path], backups: dict[Path, Path]) -> None:
    """Undo the moves of a run that failed: old content back, new documents removed."""
    for target in reversed(placed):
        try:
            if target in backups:
                os.replace(backups.pop(target), target)
            else:
                target.unlink()
        except OSError:
            pass  # best effort; the error that stopped the run is the one to report


def replace_file(target: Path, data: bytes, private: bool = True, overwrite: bool = True) -> Path:
    """Write one file atomically (temp file, then rename), replacing it if it exists; 0600 (0644 if not private).

    For a file the user names, such as a case file updated by ``beredskab fill``:
    its folder must exist and keeps its permissions. Without ``overwrite`` an
    existing file is refused (``--force`` replaces it).
    """
    target = Path(target)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise OutputError("findes allerede og bliver ikke overskrevet; brug --force for at erstatte den",
                          file=str(target))
    if target.is_symlink():
        raise OutputError("der ligger et symbolsk link, hvor filen skal skrives", file=str(target))
    if target.exists() and not target.is_file():
        raise OutputError("der ligger en mappe, hvor filen skal skrives", file=str(target))
    if not target.parent.is_dir():
        raise OutputError("mappen findes ikke", file=str(target.parent))
    temp = None
    try:
        temp = _write_temp(target, data, FILE_MODE if private else PUBLIC_FILE_MODE)
        if overwrite:
            os.replace(temp, target)
        else:
            _place(temp, target)
    except PermissionError as err:
        raise OutputError("ingen adgang til at skrive filen", file=str(target)) from err
    except OSError as err:
        raise EnvironmentFailure(f"filen kunne ikke skrives ({danish_os_error(err)})", file=str(target)) from err
    finally:
        if temp is not None and temp.exists():
            temp.unlink()
    return target


def _write_temp(target: Path, data: bytes, mode: int = FILE_MODE, folder_private: bool = False,
                sync: bool = True) -> Path:
    """Write ``data`` to a temp file with ``mode`` in the target's folder, flushed to disk unless not ``sync``.

    :param folder_private: the folder is private already, so on Windows the file
        has the right ACL from it (no ``icacls`` per file).
    """
    fd, temp = open_temp(target)
    try:
        try:
            restrict_file(fd, temp, mode, folder_private=folder_private)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries, so the renames survive a power cut (not possible on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
