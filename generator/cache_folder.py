"""The per-user private cache folder: where it is, whether it is safe, and using it safely.

Compiled templates (``render/_cache.py``) and the record of forms Cerberus has
checked (``case/forms.py``) are kept there, so a new process need not redo either.
Whoever can write into the folder, or swap it for another, could make beredskab
run code (compiled templates) or skip a check. So the folder
(``$XDG_CACHE_HOME/beredskab/templates``, else ``~/.cache/beredskab/templates``,
created with mode 0700) is used only when

1. every folder above it is owned by the user or root and writable by no one
   else, or sticky as ``/tmp`` (no other user can rename it or a parent and put
   their own in its place);
2. it is opened once, without following a symbolic link, and is then a directory
   owned by the user with no permissions for group or others;
3. every file in it is opened relative to that open folder, without following a
   symbolic link, and used only when the open file is a regular file owned by
   the user with no permissions for group or others.

Checking a path and opening it again later left a gap in which another user
could swap a folder in (issue 18: beredskab then unmarshalled their code); working
from the open folder leaves none. Never inside ``output/`` or a plan pack: those
are shared with others. Without a safe folder everything works as without a
cache. On Windows (no owner and mode bits to check) there is no cache.

``BEREDSKAB_CACHE=off`` turns the cache off (the test suite does);
``BEREDSKAB_CACHE=<folder>`` uses that folder, under the same checks.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO, Callable

#: Environment variable: "off" for no cache, or the cache folder.
CACHE_ENV = "BEREDSKAB_CACHE"


class PrivateFolder:
    """The cache folder, opened once; every file in it is used relative to that open handle."""

    def __init__(self, path: Path, descriptor: int):
        self.path = path  # shown, never opened again
        self._descriptor = descriptor

    def __del__(self) -> None:
        try:
            os.close(self._descriptor)
        except (OSError, AttributeError):
            pass

    def read(self, name: str) -> BinaryIO | None:
        """The file ``name`` open for reading, or None when it is missing, a link or not the user's own."""
        try:
            descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=self._descriptor)
        except OSError:
            return None
        if not _private(os.fstat(descriptor), stat.S_ISREG):
            os.close(descriptor)
            return None
        return os.fdopen(descriptor, "rb")

    def exists(self, name: str) -> bool:
        """Whether ``name`` is a private regular file of the user's (a link or a stranger's is not)."""
        try:
            return _private(os.stat(name, dir_fd=self._descriptor, follow_symlinks=False), stat.S_ISREG)
        except OSError:
            return False

    def create(self, name: str) -> None:
        """Create the empty file ``name`` (0600); OSError when it exists or cannot be made."""
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600,
                         dir_fd=self._descriptor))

    def write(self, name: str, fill: Callable[[BinaryIO], None]) -> None:
        """Write ``name`` atomically (a 0600 temp file ``fill`` writes, then renamed); OSError on failure."""
        temporary = f".{name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600,
                                 dir_fd=self._descriptor)
            with os.fdopen(descriptor, "wb") as file:
                fill(file)
            os.replace(temporary, name, src_dir_fd=self._descriptor, dst_dir_fd=self._descriptor)
        except BaseException:
            try:
                os.unlink(temporary, dir_fd=self._descriptor)
            except OSError:
                pass
            raise


def cache_folder() -> PrivateFolder | None:
    """The cache folder, created if missing and opened; None when the cache is off or not private."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    try:
        folder = Path(setting).expanduser() if setting else _default_folder()
    except RuntimeError:  # no home folder
        return None
    descriptor = _open_private(folder)
    return None if descriptor is None else PrivateFolder(folder, descriptor)


def _default_folder() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # the XDG rule: a relative path is ignored
    return base / "beredskab" / "templates"


def _open_private(folder: Path) -> int | None:
    """Create ``folder`` (0700) if missing and open it; its descriptor when it and every folder
    above it are safe (see the module docstring), else None."""
    if not hasattr(os, "getuid") or os.open not in os.supports_dir_fd or not hasattr(os, "O_NOFOLLOW"):
        return None  # no owner and mode bits, or no opening relative to a folder (Windows): no cache
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.is_symlink():
            return None
        real = Path(os.path.realpath(folder))
        if not all(_safe_parent(parent) for parent in real.parents):
            return None
        descriptor = os.open(real, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except (OSError, RuntimeError):
        return None
    if _private(os.fstat(descriptor), stat.S_ISDIR):
        return descriptor
    os.close(descriptor)
    return None


def _private(status: os.stat_result, kind: Callable[[int], bool]) -> bool:
    return kind(status.st_mode) and status.st_uid == os.getuid() and stat.S_IMODE(status.st_mode) & 0o077 == 0


def _safe_parent(folder: Path) -> bool:
    """No one but this user (and root) can rename or replace what ``folder`` holds."""
    status = os.lstat(folder)
    others_write = stat.S_IMODE(status.st_mode) & 0o022
    return (stat.S_ISDIR(status.st_mode) and status.st_uid in (0, os.getuid())
            and (not others_write or bool(status.st_mode & stat.S_ISVTX)))
