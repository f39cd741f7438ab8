"""Plan packs: find the default pack and a department's pack, and read their settings.

A pack is a folder shaped like the repository root: ``plan.yaml``, ``forms/`` and
``templates/``. The repository root *is* the default pack; an installed copy of
it lives in the package as ``generator/defaults``. A department's pack holds
only what it changes and is laid over the defaults: ``plan.yaml`` and form files
are merged key by key, templates and assets replace or extend the defaults.

Each YAML file is read by ``pack/yaml_files.py`` (bounded, and recorded in the
private cache folder).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Callable, NamedTuple

from ..errors import PackError
from ..rules.merge import replaced_whole
from .yaml_files import read_yaml, yaml_line

#: Environment variable naming a department's pack, used when ``--plan`` is not given.
PLAN_ENV = "BEREDSKAB_PLAN"

#: The reason given for a symbolic link that leads out of a department's pack.
OUTSIDE_PACK = "er et symbolsk link, der peger uden for planpakken; kopiér filen ind i pakken"

def default_pack_dir() -> Path:
    """Return the folder of the default pack: installed package data or the source tree."""
    package = Path(__file__).resolve().parent.parent  # generator/pack/loader.py -> generator/
    installed = package / "defaults"
    if (installed / "plan.yaml").is_file():
        return installed
    return package.parent


def deep_merge(base: Any, override: Any, whole: Callable[[tuple], bool] | None = None,
               keys: tuple = ()) -> Any:
    """Merge ``override`` over ``base``: mappings key by key, anything else replaced.

    ``whole(keys)`` is true for the places whose value an override replaces whole
    even when both are mappings (a condition in plan.yaml's obligations).
    """
    if isinstance(base, dict) and isinstance(override, dict) and not (whole and keys and whole(keys)):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base.get(key), value, whole, (*keys, key)) if key in base else value
        return merged
    return override


def without_removed(mapping: dict) -> dict:
    """``mapping`` without the keys a pack removed by setting them to null (``~``)."""
    return {key: value for key, value in mapping.items() if value is not None}


def safe_relative(name: str) -> PurePosixPath | None:
    """Return ``name`` as a relative path inside a pack, or None if it could leave it."""
    if not name or "\\" in name or ":" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", "") for part in path.parts):
        return None
    return path


@dataclass(frozen=True)
class Pack:
    """The packs in force, most specific first; the last one is the default pack."""

    dirs: tuple[Path, ...]

    @property
    def default_dir(self) -> Path:
        return self.dirs[-1]

    @property
    def trusted(self) -> bool:
        """Only the bundled default pack is trusted; a department's pack is rendered in a bounded worker."""
        return len(self.dirs) == 1

    @cached_property
    def settings(self) -> dict:
        """plan.yaml of every pack, merged over the defaults."""
        from ..cache_folder import cache_folder

        cache = cache_folder()
        merged: dict = {}
        for folder in reversed(self.dirs):
            path = self._inside(folder, folder / "plan.yaml")
            if not path.is_file():
                continue
            data = read_yaml(path, cache)
            if data is None:
                continue
            if not isinstance(data, dict):
                raise PackError("plan.yaml skal være en samling af nøgler og værdier", file=str(path))
            merged = deep_merge(merged, data, replaced_whole)
        return merged

    def locate(self, keys: tuple) -> tuple[str | None, int | None]:
        """The plan.yaml (most specific first) that sets ``keys``, and the line; for error messages."""
        best: tuple[int, str | None, int | None] = (0, None, None)
        for folder in self.dirs:
            path = folder / "plan.yaml"
            if path.is_file():
                depth, line = yaml_line(path, keys)
                if depth > best[0]:
                    best = (depth, str(path), line)
                if depth == len(keys):
                    break
        return best[1], best[2]

    def form_files(self, name: str) -> list[Path]:
        """The files that define form ``name``, defaults first, so later ones override."""
        return [self._inside(folder, p) for folder in reversed(self.dirs)
                if (p := folder / "forms" / f"{name}.yaml").is_file() or p.is_symlink()]

    def form_names(self) -> list[str]:
        """Every form any pack defines, in plan.yaml's ``forms`` order, then the rest by name.

        The order is the order of a case: ``fill case`` asks the incident before the ban.
        """
        names: list[str] = []
        for folder in reversed(self.dirs):
            for path in sorted(self._inside(folder, folder / "forms").glob("*.yaml")):
                if path.stem not in names:
                    names.append(path.stem)
        order = [n for n in self.settings.get("forms") or [] if isinstance(n, str)]
        return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))

    def template_dirs(self) -> list[Path]:
        """Template folders, most specific first (for a Jinja ChoiceLoader)."""
        return [self._inside(folder, folder / "templates") for folder in self.dirs]

    def find_asset(self, name: str) -> Path | None:
        """Find a template asset (reference.docx, a logo) by relative name; never outside the packs.

        Searched once per process and then checked with a ``stat`` or two a call while the
        search would find the same file (a batch asks for the reference document and the
        logo for every case): see :class:`_FoundAsset`.
        """
        found = self._assets.get(name)
        if found is not None and found.still():
            return found.path
        candidates = self._asset_candidates(name)
        seen = [_probe(candidate) for candidate in candidates]  # before the search: see _FoundAsset.of
        path = self._search_asset(name)
        self._assets.pop(name, None)
        if path is not None and (found := _FoundAsset.of(candidates, seen, path)) is not None:
            self._assets[name] = found
        return path

    @cached_property
    def _assets(self) -> dict[str, _FoundAsset]:
        return {}

    def _asset_candidates(self, name: str) -> list[str]:
        relative = safe_relative(name)
        return [] if relative is None else [str(root / relative) for root in self.template_dirs()]

    def _search_asset(self, name: str) -> Path | None:
        relative = safe_relative(name)
        if relative is None:
            return None
        for folder, root in zip(self.dirs, self.template_dirs()):
            candidate = root / relative
            if candidate.is_file() or candidate.is_symlink():
                candidate = self._inside(folder, candidate).resolve()
                if candidate.is_file():
                    return candidate
        return None

    def _inside(self, folder: Path, path: Path) -> Path:
        """``path`` of the pack in ``folder``; PackError when a symbolic link leads it out of the pack.

        A department's pack is untrusted: a symlinked plan.yaml, form, templates folder,
        reference.docx or logo would read a file outside it (a key, another department's
        data) into the documents. The bundled default pack is trusted.
        """
        if folder == self.default_dir:
            return path
        try:
            inside = path.resolve().is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # RuntimeError: a loop of links
            inside = False
        if not inside:
            raise PackError(OUTSIDE_PACK, file=str(path))
        return path


#: What the asset search sees at a candidate: nothing it takes (no file, no link), or not a file.
_ABSENT, _NOT_A_FILE = "absent", "not a file"


def _probe(candidate: str) -> tuple[int, int] | str:
    """The (device, inode) of the file ``candidate`` leads to; _ABSENT where the search passes it
    over (neither a file nor a link), _NOT_A_FILE where it does not (a link to no file, an error)."""
    try:
        status = os.lstat(candidate)
    except (FileNotFoundError, NotADirectoryError):
        return _ABSENT
    except OSError:
        return _NOT_A_FILE  # the search meets it (and raises) as before
    if stat.S_ISREG(status.st_mode):
        return status.st_dev, status.st_ino
    if not stat.S_ISLNK(status.st_mode):
        return _ABSENT
    try:
        status = os.stat(candidate)
    except OSError:
        return _NOT_A_FILE
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else _NOT_A_FILE


class _FoundAsset(NamedTuple):
    """An asset the full search found (a link out of a department's pack refused), and the file it is.

    It stands while the search would find the same file at the same place: no pack before
    the one it is in has gained a file or a link of that name, and its candidate and the
    resolved path both lead to the same file (device and inode). A file replaced, or a
    link put in its place or in place of a folder on its way, leads to another file: the
    full search runs again and refuses a link out of the pack as it does every time. So
    what can be read is what the full search accepted: the file (inode) it found inside
    the pack. The identity is taken before the search and must be the resolved path's
    after it, so a file swapped during the search is not kept. Where the candidate is its
    resolved path (no link on the way, as in the default pack) one ``stat`` a call does.
    """

    before: tuple[str, ...]  # the candidates of the packs searched first: none had a file or a link
    candidate: str
    path: Path
    identity: tuple[int, int]

    @classmethod
    def of(cls, candidates: list[str], seen: list, path: Path) -> _FoundAsset | None:
        """The asset found at ``path``, if what the candidates showed before the search leads there."""
        for index, probe in enumerate(seen):
            if probe == _ABSENT:
                continue
            if probe == _NOT_A_FILE or _probe(str(path)) != probe:
                return None
            return cls(tuple(candidates[:index]), candidates[index], path, probe)
        return None

    def still(self) -> bool:
        """True while the search would find this file here (a ``stat`` or two)."""
        if any(_probe(candidate) != _ABSENT for candidate in self.before):
            return False
        if _probe(self.candidate) != self.identity:
            return False
        return str(self.path) == self.candidate or _probe(str(self.path)) == self.identity


def load_pack(plan_dir: str | os.PathLike | None = None) -> Pack:
    """Return the packs in force: ``plan_dir`` (or $BEREDSKAB_PLAN) over the defaults."""
    default = default_pack_dir()
    chosen = plan_dir if plan_dir is not None else os.environ.get(PLAN_ENV) or None
    if chosen is None:
        return Pack((default,))
    folder = Path(chosen).expanduser()
    if not folder.is_dir():
        raise PackError("planpakken findes ikke eller er ikke en mappe", file=str(folder))
    if folder.resolve() == default.resolve():
        return Pack((default,))
    _refuse_links_out(folder)
    return Pack((folder, default))


#: The parts of a pack beredskab reads: every symbolic link in them is checked when the pack loads.
PACK_PARTS = ("plan.yaml", "forms", "templates", "examples")


def _refuse_links_out(folder: Path) -> None:
    """PackError naming the first symbolic link in the pack's parts that leads out of ``folder``.

    Checked once when a department's pack is loaded, so every command refuses such a pack,
    also one that never reads the linked file (``validate`` does not read the letterhead).
    """
    root = folder.resolve()
    for part in PACK_PARTS:
        top = folder / part
        paths = [top]
        if top.is_dir() and not top.is_symlink():
            for base, dirs, files in os.walk(top):  # does not follow links
                paths += [Path(base, name) for name in sorted(dirs) + sorted(files)]
        for path in paths:
            if not path.is_symlink():
                continue
            try:
                inside = path.resolve().is_relative_to(root)
            except (OSError, RuntimeError):  # RuntimeError: a loop of links
                inside = False
            if not inside:
                raise PackError(OUTSIDE_PACK, file=str(path))
