"""Temp files' names: a new one beside its target, and the ones a killed run left behind.

A temp file is named ``.<name>.<pid>.<n>.tmp`` (hidden, beside the file ``<name>`` it
will become; ``n`` counts up in the process), so a later run can tell whose it is:
one of a process that is gone is removed by the next run that writes the same file,
one of a run that still runs is left alone, and a run removes all of its own on a
roll-back (also one an interrupt left unregistered). Writing and moving them is
``files.py``'s.
"""

from __future__ import annotations

import errno
import itertools
import os
import time
from pathlib import Path
from typing import Iterable

from ._platform import on_windows

#: Suffix of the temp files written beside a target.
TEMP_SUFFIX = ".tmp"


#: Numbers of this process's temp files: with the process id, a name no other run uses.
_TEMP_NUMBERS = itertools.count()
#: Flags of a new temp file (those of ``tempfile.mkstemp``): created here, never through a link.
_TEMP_FLAGS = (os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_BINARY", 0))
#: Names tried before giving up (a folder full of other programs' files of those names), as mkstemp.
_TEMP_ATTEMPTS = 10000


def open_temp(target: Path) -> tuple[int, Path]:
    """A new, empty temp file beside ``target`` (0600 until restricted), open: its descriptor and path.

    Named ``.<name>.<pid>.<n>.tmp`` with a number this process counts up (no random name
    is needed: it is created exclusively, and a name that is taken is skipped).
    """
    folder = os.path.abspath(target.parent)
    prefix = f".{target.name}.{os.getpid()}."
    for _ in range(_TEMP_ATTEMPTS):
        path = os.path.join(folder, f"{prefix}{next(_TEMP_NUMBERS)}{TEMP_SUFFIX}")
        try:
            return os.open(path, _TEMP_FLAGS, 0o600), Path(path)
        except FileExistsError:
            continue
        except PermissionError:  # Windows: a folder of that name
            if not (on_windows() and os.path.isdir(folder) and os.access(folder, os.W_OK)):
                raise
    raise FileExistsError(errno.EEXIST, "der er ikke et ledigt navn til en midlertidig fil", folder)


def remove_stale_temps(folder: Path, names: set[str]) -> None:
    """Remove the temp files a killed run left in ``folder`` beside the files ``names``: only those
    of a process that is gone (one of a run that still runs, another ``generate`` into the same
    folder, is left alone). The folder is listed once for all of them.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(".") or not entry.name.endswith(TEMP_SUFFIX):
            continue
        for name in names:
            prefix = f".{name}."
            if entry.name.startswith(prefix) and entry.is_file(follow_symlinks=False) \
                    and _stale(entry, entry.name[len(prefix):]):
                unlink_quietly(Path(entry.path))
                break


#: Age after which a temp file whose process cannot be asked about is taken as left behind.
STALE_TEMP_SECONDS = 24 * 3600


def _stale(entry: os.DirEntry, rest: str) -> bool:
    pid_text = rest.split(".", 1)[0]
    if pid_text.isdigit() and not on_windows():
        pid = int(pid_text)
        if pid == os.getpid():
            return False  # this run's own (removed by the run itself)
        try:
            os.kill(pid, 0)  # signal 0: only asks whether the process exists
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it exists (another user's)
        return False
    # Windows (os.kill would end the process) or an old name without a pid: by age.
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_SECONDS
    except OSError:
        return False


def remove_own_temps(folders: Iterable[Path]) -> None:
    """Remove every temp file of this process in ``folders``: also one an interrupt left unregistered."""
    marker = f".{os.getpid()}."
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and marker in entry.name and entry.name.endswith(TEMP_SUFFIX):
                unlink_quietly(Path(entry.path))


def unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
