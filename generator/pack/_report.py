"""What ``plan check`` found: the problems collected so far and the report of what was covered."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BeredskabError, Problem


@dataclass
class PackReport:
    """What a successful check covered, for the summary line."""

    folder: Path
    forms: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    rendered: set[str] = field(default_factory=set)
    examples: list[Path] = field(default_factory=list)
    #: ``Advarsel: ...`` lines (generator/traceability.py); they do not fail the check.
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One Danish line: what was checked."""
        return (f"Planpakken {self.folder} er i orden: {len(self.forms)} formularer, "
                f"{len(self.templates)} skabeloner, {len(self.rendered)} dokumenter dannet "
                f"med {len(self.examples)} eksempelsager.")


class _Collector:
    """Problems found so far, each once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, reason: str, **where: Any) -> None:
        """Add a problem, unless one is already known at the same place (rendering finds static ones again)."""
        problem = Problem(reason, **where)
        for known in self.problems:
            if known.format() == problem.format() or (
                    problem.line is not None and (known.file, known.line) == (problem.file, problem.line)):
                return
        self.problems.append(problem)

    def extend(self, err: BeredskabError, **where: Any) -> None:
        for problem in err.problems:
            for key, value in where.items():
                if getattr(problem, key) is None:
                    setattr(problem, key, value)
            self.add(problem.reason, path=problem.path, label=problem.label, file=problem.file,
                     line=problem.line, column=problem.column)
