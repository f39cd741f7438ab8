"""One run at a time writes a case folder: a lock held from reading the manifest to the last move.

Two ``generate`` runs into one case folder would each merge the manifest they read
(the later one losing the earlier one's entries) and each clean up temp files
beside the documents. So a run locks the folder first; a second run waits up to
:data:`LOCK_WAIT_SECONDS` and then refuses with a Danish line. The lock belongs to
the open handle, so a killed run never leaves it held.

POSIX: ``flock`` on the folder itself (no lock file is left behind). Windows:
``msvcrt.locking`` on ``.beredskab.lock`` in the folder, removed when the run ends.
A folder the run had to create is removed again when the run fails and leaves it empty.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import OutputError
from .files import ensure_dir
from .interrupts import raise_pending

#: Seconds a run waits for another run writing the same case folder.
LOCK_WAIT_SECONDS = 30.0

#: The lock file on Windows, where a folder cannot be locked itself.
WINDOWS_LOCK_NAME = ".beredskab.lock"


@contextmanager
def case_folder_lock(folder: Path, private: bool = True, wait: bool = True) -> Iterator[None]:
    """Create ``folder`` if missing and hold it exclusively while the block runs.

    :param wait: wait up to LOCK_WAIT_SECONDS for another run; False refuses at once
        (a caller holding other folders' locks must not wait while it holds them).
    """
    created = ensure_dir(folder, private)
    try:
        handle = _acquire(folder, LOCK_WAIT_SECONDS if wait else 0.0)
    except BaseException:
        _remove_empty(created)
        raise
    try:
        yield
    except BaseException:
        _release(handle, folder)
        _remove_empty(created)
        raise
    _release(handle, folder)


def _acquire(folder: Path, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    fd = _open(folder)
    while not _try_lock(fd):
        try:
            raise_pending()  # an interrupt held while waiting is not kept waiting for the lock
        except BaseException:
            os.close(fd)
            raise
        if time.monotonic() >= deadline:
            os.close(fd)
            raise OutputError("en anden kørsel skriver i sagsmappen lige nu; vent, til den er færdig, og prøv igen",
                              file=str(folder))
        time.sleep(0.1)
    return fd


def _open(folder: Path) -> int:
    if os.name == "nt":
        return os.open(folder / WINDOWS_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    return os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError (POSIX) or PermissionError (Windows): another run holds it
        return False
    return True


def _release(fd: int, folder: Path) -> None:
    try:
        os.close(fd)  # closing the handle releases the lock
    except OSError:
        pass
    if os.name == "nt":
        try:
            (folder / WINDOWS_LOCK_NAME).unlink()
        except OSError:
            pass  # another run holds it now, or it is gone


def _remove_empty(created: list[Path]) -> None:
    """Remove the folders this run created (deepest first) when nothing was put in them."""
    for path in reversed(created):
        try:
            if os.name == "nt":
                (path / WINDOWS_LOCK_NAME).unlink(missing_ok=True)
            path.rmdir()
        except OSError:
            return  # not empty (another run wrote into it): keep it and its parents
