"""What differs on Windows: keeping files private to their owner, and stopping a process tree.

On POSIX a file is private by its mode bits (0600/0700). Windows has no mode
bits that restrict reading (``os.chmod`` only sets the read-only flag), and
``os.fchmod``, ``os.killpg`` and ``start_new_session`` do not exist there
(``os.fchmod`` only from Python 3.13). There, privacy is an access control
list: a folder beredskab creates gets a protected ACL (nothing inherited from
its parent) that grants full control to the current user alone and is
inherited by everything created inside it; a single file (a case file written
by ``fill``) gets the same without the inheritance. The ACL is set with the
system's ``icacls`` program (present in every Windows since Vista), addressed by
its full path so a program of the same name elsewhere on PATH is never run.
If the ACL cannot be set (a FAT drive, a share that refuses it), writing fails:
personal data is never left readable by others without saying so.

Every check reads ``os.name`` when called, so tests can simulate Windows.
"""

from __future__ import annotations

import functools
import os
import signal
from pathlib import Path

from ..errors import EnvironmentFailure

#: Seconds an icacls or whoami call may take.
_TOOL_TIMEOUT = 30


def on_windows() -> bool:
    """True on Windows (read at each call, so tests can simulate it)."""
    return os.name == "nt"


def restrict_file(fd: int, path: Path, mode: int, folder_private: bool = False) -> None:
    """Give the open file ``fd`` at ``path`` the permission ``mode`` (0600: its owner only).

    On Windows a private mode (no rights for group or others) becomes an ACL for
    the current user, unless ``folder_private``: a file made in a private folder
    has that ACL from the folder already. A public mode (0644) keeps the ACL the
    folder passes on.
    """
    if on_windows():
        if mode & 0o077 == 0 and not folder_private:
            _private_acl(path, folder=False)
        return
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # a POSIX system without fchmod: by name (the file is ours and open, in our folder)
        os.chmod(path, mode)


def restrict_dir(path: Path, mode: int) -> None:
    """Give the folder ``path`` the permission ``mode`` (0700: its owner only, inherited on Windows)."""
    if on_windows():
        if mode & 0o077 == 0:
            _private_acl(path, folder=True)
        return
    os.chmod(path, mode)


def _private_acl(path: Path, folder: bool) -> None:
    """Replace the inherited ACL of ``path`` by one granting full control to the current user only."""
    grant = f"{current_user()}:(OI)(CI)F" if folder else f"{current_user()}:F"
    command = [icacls_program(), str(path), "/inheritance:r", "/grant:r", grant]
    import subprocess  # Windows only: not at every start (~1.5 ms)

    try:
        result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=_TOOL_TIMEOUT,
                                check=False)
    except (OSError, subprocess.SubprocessError) as err:
        raise EnvironmentFailure("adgangen kunne ikke begrænses til dig (icacls kunne ikke køres); "
                                 "der er ikke skrevet noget", file=str(path)) from err
    if result.returncode != 0:
        raise EnvironmentFailure("adgangen kunne ikke begrænses til dig (drevet understøtter ikke "
                                 "adgangslister; vælg en mappe på et NTFS-drev)", file=str(path))


def system_program(name: str) -> str:
    """The full path of a program in Windows' System32 folder."""
    root = os.environ.get("SystemRoot") or os.environ.get("windir") or r"C:\Windows"
    return os.path.join(root, "System32", name)


def icacls_program() -> str:
    """The system's icacls (by full path: a program of that name on PATH is never run)."""
    return system_program("icacls.exe")


@functools.lru_cache(maxsize=1)
def current_user() -> str:
    """The current user for icacls: ``*<SID>`` from whoami, else ``DOMAIN\\name`` from the environment.

    A SID does not depend on the language of the system's account names.
    """
    import subprocess

    try:
        result = subprocess.run([system_program("whoami.exe"), "/user", "/fo", "csv", "/nh"],
                                stdin=subprocess.DEVNULL, capture_output=True, timeout=_TOOL_TIMEOUT, check=False)
        sid = result.stdout.decode("ascii", "replace").strip().rsplit(",", 1)[-1].strip().strip('"')
        if result.returncode == 0 and sid.startswith("S-1-"):
            return f"*{sid}"
    except (OSError, subprocess.SubprocessError):
        pass
    name = os.environ.get("USERNAME") or ""
    domain = os.environ.get("USERDOMAIN") or ""
    if not name:
        raise EnvironmentFailure("din brugerkonto kunne ikke bestemmes, så adgangen kan ikke begrænses til dig")
    return f"{domain}\\{name}" if domain else name


# --- a process and its children ------------------------------------------------------


def new_group_options() -> dict:
    """``subprocess.Popen`` options that start a program in a process group of its own."""
    if on_windows():
        import subprocess

        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200)}
    return {"start_new_session": True}


def kill_tree(process: subprocess.Popen) -> None:
    """Stop ``process`` and every process it started (LibreOffice's launcher starts soffice.bin)."""
    import subprocess

    try:
        if on_windows():
            subprocess.run([system_program("taskkill.exe"), "/F", "/T", "/PID", str(process.pid)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=_TOOL_TIMEOUT, check=False)
        elif hasattr(os, "killpg"):
            os.killpg(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    except (OSError, subprocess.SubprocessError):
        pass  # already gone, or no right to it: kill what we started ourselves below
    try:
        process.kill()
    except OSError:
        pass
