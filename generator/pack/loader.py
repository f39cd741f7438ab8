"""Plan packs: find the default pack and a department's pack, and read their settings.

A pack is a folder shaped like the repository root: ``plan.yaml``, ``forms/`` and
``templates/``. The repository root *is* the default pack; an installed copy of
it lives in the package as ``generator/defaults``. A department's pack holds
only what it changes and is laid over the defaults: ``plan.yaml`` and form files
are merged key by key, templates and assets replace or extend the defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import yaml

from ..errors import PackError
from ..rules.merge import replaced_whole

#: Environment variable naming a department's pack, used when ``--plan`` is not given.
PLAN_ENV = "BEREDSKAB_PLAN"

# libyaml's safe loader when PyYAML was built with it: the same result, ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Largest YAML file a pack may hold; forms and plan.yaml are a few KB.
MAX_YAML_BYTES = 1_000_000


def default_pack_dir() -> Path:
    """Return the folder of the default pack: installed package data or the source tree."""
    package = Path(__file__).resolve().parent.parent  # generator/pack/loader.py -> generator/
    installed = package / "defaults"
    if (installed / "plan.yaml").is_file():
        return installed
    return package.parent


def read_yaml(path: Path) -> Any:
    """Read a YAML file safely; a syntax error becomes a PackError with file and line."""
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise PackError("filen er for stor til at være en plan- eller formularfil", file=str(path))
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise PackError("filen er ikke gemt som UTF-8", file=str(path)) from err
    except OSError as err:
        raise PackError("filen kan ikke læses", file=str(path)) from err
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise PackError("ugyldig YAML", file=str(path), line=line, column=column) from err


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


def yaml_line(path: Path, keys: tuple) -> tuple[int, int | None]:
    """How many of ``keys`` the YAML file at ``path`` has, and the line (1-based) of the deepest.

    Used only to point an error at its place, so the file is composed (nodes with
    marks) again here rather than on every load.
    """
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=_SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 0, None
    depth, line = 0, None
    for key in keys:
        found = None
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = (node.value[key], node.value[key])
        if found is None:
            break
        depth, line, node = depth + 1, found[0].start_mark.line + 1, found[1]
    return depth, line


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
        merged: dict = {}
        for folder in reversed(self.dirs):
            path = folder / "plan.yaml"
            if not path.is_file():
                continue
            data = read_yaml(path)
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
        return [p for folder in reversed(self.dirs) if (p := folder / "forms" / f"{name}.yaml").is_file()]

    def form_names(self) -> list[str]:
        """Every form any pack defines, in plan.yaml's ``forms`` order, then the rest by name.

        The order is the order of a case: ``fill case`` asks the incident before the ban.
        """
        names: list[str] = []
        for folder in reversed(self.dirs):
            for path in sorted((folder / "forms").glob("*.yaml")):
                if path.stem not in names:
                    names.append(path.stem)
        order = [n for n in self.settings.get("forms") or [] if isinstance(n, str)]
        return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))

    def template_dirs(self) -> list[Path]:
        """Template folders, most specific first (for a Jinja ChoiceLoader)."""
        return [folder / "templates" for folder in self.dirs]

    def find_asset(self, name: str) -> Path | None:
        """Find a template asset (reference.docx, a logo) by relative name; never outside the packs."""
        relative = safe_relative(name)
        if relative is None:
            return None
        for root in self.template_dirs():
            candidate = (root / relative).resolve()
            if candidate.is_file() and candidate.is_relative_to(root.resolve()):
                return candidate
        return None


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
    return Pack((folder, default))
