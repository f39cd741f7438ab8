"""Group commit: the writes of a batch's chunk of cases made durable with one disk sync, not three per case.

``write_all`` flushes each file of a case (document, manifest) and then its folder
to disk: three syncs per case, each waiting for the disk. A :class:`GroupCommit`
runs the same steps (``files.Staging``) for several cases together:

1. :meth:`GroupCommit.stage`: per case, its folder is locked (``lock``), its files
   (with the manifest, read under the lock) are written to temp files beside their
   targets, not yet flushed;
2. :meth:`GroupCommit.commit`: one sync of the file system makes every temp file
   of the chunk durable; then, case by case, they are checked again and moved into
   place (a case that fails is rolled back alone and gets its error); one more sync
   makes the moves durable; only then are the cases reported as written.

So every guarantee of ``files.write_all`` holds per case: all or nothing, no half
file (a file is moved into place only after its content is on disk), nothing
replaced without force, no temp file left. A case is reported as written only
after the sync that makes it durable. An interrupt (Ctrl-C, SIGTERM) during the
commit rolls back every case of the chunk that was moved already: none of them was
reported yet, so nothing reported is missing and nothing unreported is new. The steps
are held from interrupts (``interrupts.held``): one that arrives in the middle of a
step lands where the step is done or undone, never between a folder made and its
clean-up being known (that left an empty case folder behind).

The sync is Linux's ``syncfs`` (one per file system of the chunk's folders). Where
there is none (macOS, Windows), each temp file is flushed as it is written and each
folder after the moves, as ``write_all`` does: the same guarantees, without the saving.
``syncfs`` also writes out what other programs left unwritten on that file system, so
on a disk others fill fast it waits for their data too (an ``fsync`` on ext4 often
does as well, once per file); measured in bench/README.md.
"""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

from ..errors import OutputError
from .files import Staging, write_failure
from .interrupts import held, raise_pending
from .lock import case_folder_lock


@dataclass
class _Stage:
    folder: Path
    lock: AbstractContextManager
    staging: Staging | None = None  # None until its files are written to temp files
    documents: list[Path] = field(default_factory=list)


@dataclass
class Committed:
    """What became of one staged case: the documents written, or the error that stopped it."""

    documents: list[Path]
    error: BaseException | None = None


class GroupCommit:
    """Cases staged one by one and committed together (see the module docstring)."""

    def __init__(self, syncfs: Callable[[int], None] | None | bool = True,
                 rename_new: Callable[[Path, Path], None] | None | bool = True):
        """:param syncfs: the file-system sync (default: Linux's ``syncfs`` where there is one);
        None flushes file by file as ``write_all`` does.
        :param rename_new: moves a temp file to a new target without replacing one (default:
        Linux's ``renameat2``, see :func:`_rename_new`); None links it, as ``write_all`` does."""
        self._syncfs = _syncfs() if syncfs is True else syncfs
        self._rename_new = _rename_new() if rename_new is True else rename_new
        self._stages: list[_Stage] = []
        self._done: list[Committed] = []

    def stage(self, folder: Path, make_files: Callable[[], dict[Path, bytes]], force: bool = False,
              replace: Iterable[Path] = ()) -> list[Path]:
        """Lock ``folder`` and write the files ``make_files()`` returns (called under the lock) to
        temp files; return the documents it will write (its files but those in ``replace``).

        Raises as ``write_all`` does when the case cannot be staged (nothing of it is left).
        A folder staged already (the same case twice in a chunk) commits what is staged first.
        The steps that lock, register and write a case are held from interrupts
        (``interrupts.held``): one that arrives meanwhile lands after them, when
        :meth:`abandon` knows what to undo.
        """
        with held():
            self.settle(folder)
            entry = _Stage(folder, self._lock(folder))
            self._stages.append(entry)  # from here on abandon() unlocks it, whatever interrupts
        try:
            files = make_files()
            with held():
                entry.staging = Staging(files, force, replace, rename_new=self._rename_new)
                entry.staging.write_temps(sync=self._syncfs is None)
        except BaseException as err:
            with held():
                self._stages.remove(entry)
                self._drop(entry, err)
            failure = write_failure(err)
            if failure is not None:
                raise failure from err
            raise
        replaced = set(replace)
        entry.documents = [path for path in files if path not in replaced]
        return entry.documents

    def settle(self, folder: Path) -> None:
        """Commit what is staged when ``folder`` is among it, so the folder shows on disk what this
        group wrote (before a second run of the same case looks at it)."""
        if any(stage.folder == folder for stage in self._stages):
            self._commit_staged()

    def _lock(self, folder: Path) -> AbstractContextManager:
        """``folder``'s lock, entered. While this group holds other folders' locks it never waits:
        if another run (a second batch worker with the same case) holds this one, what is staged
        is committed first, so two groups never wait for each other's locks (a deadlock)."""
        if self._stages:
            lock = case_folder_lock(folder, wait=False)
            try:
                lock.__enter__()
                return lock
            except OutputError:  # held by another run (or refused: then again below, with the reason)
                self._commit_staged()
        lock = case_folder_lock(folder)
        lock.__enter__()
        return lock

    def commit(self) -> list[Committed]:
        """Make every staged case durable and put it in place; one result per :meth:`stage`, in order."""
        self._commit_staged()
        done, self._done = self._done, []
        return done

    def abandon(self, error: BaseException) -> None:
        """Drop what is staged and not committed, because of ``error`` (an interrupt): its temp
        files removed, its folders unlocked, and removed again where the case created them."""
        with held():
            stages, self._stages = self._stages, []
            for stage in stages:
                self._drop(stage, error)

    def _drop(self, stage: _Stage, error: BaseException) -> None:
        if stage.staging is not None:
            stage.staging.roll_back()
            stage.staging.discard()
        self._release(stage, error)

    def _commit_staged(self) -> None:
        with held():
            self._commit(self._stages)

    def _commit(self, stages: list[_Stage]) -> None:
        self._stages = []
        results: list[Committed] = []
        devices: dict[Path, int] = {}  # each folder's file system, looked up once a commit
        try:
            # the temp files (and copies) lie in their stages' folders, on those folders' file systems
            self._sync([folder for stage in stages for folder in stage.staging.folders], devices)
            for stage in stages:
                try:
                    stage.staging.place()
                except Exception as err:  # noqa: BLE001 - this case is refused; the others go on
                    stage.staging.roll_back()
                    results.append(Committed([], write_failure(err) or err))
                else:
                    results.append(Committed(stage.documents))
            placed = [stage for stage, result in zip(stages, results) if result.error is None]
            if self._syncfs is None:
                for stage in placed:
                    stage.staging.sync_folders()
            else:
                self._sync([stage.folder for stage in placed], devices)
            raise_pending()  # an interrupt held meanwhile: the chunk, not reported yet, is undone
        except BaseException as err:  # an interrupt, or a sync that failed: nothing of the chunk stays
            for stage in stages:
                stage.staging.roll_back()
            failure = write_failure(err)
            if failure is None:
                for stage in stages:
                    self._release(stage, err)
                raise
            results = [Committed([], failure) for _ in stages]
        for stage, result in zip(stages, results):
            stage.staging.discard()
            self._release(stage, result.error)
        self._done.extend(results)

    def _sync(self, paths: list[Path], devices: dict[Path, int]) -> None:
        """One ``syncfs`` per file system holding ``paths`` (nothing when they were flushed one by one);
        ``devices`` keeps each path's file system for the next call."""
        if self._syncfs is None or not paths:
            return
        systems: dict[int, Path] = {}
        for path in paths:
            if path not in devices:
                devices[path] = os.stat(path).st_dev
            systems.setdefault(devices[path], path)
        for path in systems.values():
            descriptor = os.open(path, os.O_RDONLY)
            try:
                self._syncfs(descriptor)
            finally:
                os.close(descriptor)

    @staticmethod
    def _release(stage: _Stage, error: BaseException | None) -> None:
        if error is None:
            stage.lock.__exit__(None, None, None)
        else:  # a folder the case created is removed again when it is left empty
            stage.lock.__exit__(type(error), error, error.__traceback__)


def _linux_call(name: str, *argument_types: str) -> Callable[..., None] | None:
    """The C library's function ``name`` (Linux only) as a Python function that raises OSError
    where it returns non-zero; its arguments are of the ctypes types named. None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = [getattr(ctypes, kind) for kind in argument_types]
    function.restype = ctypes.c_int

    def call(*arguments) -> None:
        if function(*arguments) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))

    return call


@lru_cache(maxsize=1)
def _syncfs() -> Callable[[int], None] | None:
    """Linux's ``syncfs(fd)``: every file and folder change of the file system holding ``fd``
    on disk, waited for (errors reported since Linux 5.8). None elsewhere."""
    return _linux_call("syncfs", "c_int")


@lru_cache(maxsize=1)
def _rename_new() -> Callable[[Path, Path], None] | None:
    """Linux's ``renameat2(..., RENAME_NOREPLACE)``: a temp file renamed to a target that must not
    exist (FileExistsError if it does), one call where a link and an unlink were two. None elsewhere;
    a file system without it answers EINVAL, and ``files._place`` links there instead."""
    renameat2 = _linux_call("renameat2", "c_int", "c_char_p", "c_int", "c_char_p", "c_uint")
    if renameat2 is None:
        return None
    here, no_replace = -100, 1  # AT_FDCWD, RENAME_NOREPLACE

    def rename_new(source: Path, target: Path) -> None:
        try:
            renameat2(here, os.fsencode(source), here, os.fsencode(target), no_replace)
        except OSError as err:  # named as os.link and os.replace name theirs
            raise OSError(err.errno, err.strerror, str(source), None, str(target)) from None

    return rename_new
