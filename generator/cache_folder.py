"""The per-user private cache folder: where it is, and whether it is safe to use.

Compiled templates (``render/_cache.py``) and the record of forms Cerberus has
checked (``case/forms.py``) are kept there, so a new process need not redo either.
Whoever can write into the folder could make beredskab run code (compiled
templates) or skip a check, so it is used only while it is a real directory (not a
symbolic link) owned by the user with no permissions for group or others, created
with mode 0700: ``$XDG_CACHE_HOME/beredskab/templates``, else
``~/.cache/beredskab/templates``. Never inside ``output/`` or a plan pack: those are
shared with others. Without a safe folder everything works as without a cache.

``BEREDSKAB_CACHE=off`` turns the cache off (the test suite does);
``BEREDSKAB_CACHE=<folder>`` uses that folder, under the same checks.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Environment variable: "off" for no cache, or the cache folder.
CACHE_ENV = "BEREDSKAB_CACHE"


def cache_folder() -> Path | None:
    """The cache folder, created if missing; None when the cache is off or the folder is not private."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    folder = Path(setting).expanduser() if setting else _default_folder()
    return folder if _private_folder(folder) else None


def _default_folder() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # the XDG rule: a relative path is ignored
    return base / "beredskab" / "templates"


def _private_folder(folder: Path) -> bool:
    """Create ``folder`` (mode 0700) if missing; True if it is a directory only this user can use."""
    if not hasattr(os, "getuid"):
        return False  # no owner and mode bits to check (Windows): no cache
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.lstat(folder)
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return False
    return (stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid()
            and stat.S_IMODE(status.st_mode) & 0o077 == 0)
