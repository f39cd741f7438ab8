"""The one exception family of beredskab: Danish one-line messages and exit codes.

Every module raises a subclass of :class:`BeredskabError`; only ``cli.py`` shows
them. Location (file, line, field path and label) is kept in separate attributes
and the message text is built from them, so callers can enrich an error on its
way up (``forms.load_case`` adds the file name) without string surgery.

At runtime this module imports nothing from ``generator`` so any module can raise
without import cycles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

#: Longest field path or file name shown in a message; longer ones are cut with "…".
MAX_SHOWN_CHARS = 120

#: What ``shown`` writes as an escape (a pattern, compiled on the first message: ~0.5 ms of every start).
_UNPRINTABLE = "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]"


def shown(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` made safe for a one-line message: control characters as ``\\xNN``, cut to ``limit``.

    Field paths and file names come from what the user typed (an unknown key, a
    path): a line break in one must not split a message, and a pasted paragraph
    used as a key must not be echoed whole.
    """
    text = re.sub(_UNPRINTABLE, lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else "\\u%04x" % ord(m.group()), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Problem:
    """One problem a person can fix: a reason, and where it is.

    :param reason: Danish, lower-case start, no trailing full stop.
    :param path: the field path in the case (``incident.affected_employees[0].name``).
    :param label: the field's Danish label from the form's ``meta``.
    :param file: the file the problem is in (shown by name).
    :param line: line number in ``file``, 1-based.
    :param column: column number in ``file``, 1-based.
    """

    reason: str
    path: str | None = None
    label: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def format(self) -> str:
        """Return the one-line Danish message for this problem."""
        text = self.reason
        if self.path and self.label:
            text = f"Felt '{self.label}' ({shown(self.path)}): {text}"
        elif self.path:
            text = f"Felt {shown(self.path)}: {text}"
        where = []
        if self.file:
            where.append(shown(self.file, limit=4 * MAX_SHOWN_CHARS))
        if self.line is not None:
            where.append(f"linje {self.line}")
        if self.column is not None:
            where.append(f"kolonne {self.column}")
        if where:
            text = f"{text} ({', '.join(where)})"
        return text


class BeredskabError(Exception):
    """Base of every error beredskab shows to a person.

    Holds one or more :class:`Problem`; ``lines()`` gives one Danish line each.
    """

    #: Exit code of the CLI: 2 for anything the user can fix, 1 for the environment.
    exit_code = 2

    def __init__(self, message: str | Problem | Iterable[Problem] | None = None, **where):
        if isinstance(message, str):
            problems = [Problem(message, **where)]
        elif isinstance(message, Problem):
            problems = [message]
        elif message is None:
            problems = []
        else:
            problems = list(message)
        self.problems = problems
        super().__init__(self.__str__())

    def with_file(self, file: str) -> "BeredskabError":
        """Name ``file`` on every problem that names no file yet; return self."""
        for problem in self.problems:
            if problem.file is None:
                problem.file = file
        self.args = (self.__str__(),)
        return self

    def lines(self) -> list[str]:
        """Return one Danish line per problem."""
        return [p.format() for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class CaseError(BeredskabError):
    """The case data is wrong: a field, a date, the JSON itself."""


class FormError(BeredskabError):
    """A form definition (a Cerberus schema in YAML) is broken."""


class PackError(BeredskabError):
    """A plan pack (plan.yaml, folder layout) is broken or missing."""


class TemplateError(BeredskabError):
    """A document template does not compile or render, or breaks the sandbox."""


class OutputError(BeredskabError):
    """A document could not be written where it should go."""


class EnvironmentFailure(BeredskabError):
    """Something outside the user's input failed (disk full, a tool missing)."""

    exit_code = 1


class IntegrityError(BeredskabError):
    """A generated document no longer matches its audit manifest (changed, missing, unlisted)."""


class RegisterError(BeredskabError):
    """The case register refuses a request: an unknown case, a database of a newer schema."""


class UnknownCase(RegisterError):
    """No case with this case id is in the register."""

    def __init__(self, case_id: str, version: int | None = None):
        self.case_id = case_id
        what = f"sagen {shown(case_id)}" if version is None else f"version {version} af sagen {shown(case_id)}"
        super().__init__(f"{what} findes ikke i registret")


class StaleCase(RegisterError):
    """A save was based on a version that is no longer the newest: someone else saved meanwhile.

    Refused, never merged: the person gets the newer version and redoes the change.
    """

    def __init__(self, case_id: str, base_version: int, version: int, saved_by: str, saved_at: str):
        self.case_id, self.base_version, self.version = case_id, base_version, version
        self.saved_by, self.saved_at = saved_by, saved_at
        if base_version == 0:  # the save was meant to create the case
            text = f"sagen {shown(case_id)} findes allerede: {shown(saved_by)} gemte version {version} {saved_at}"
        else:
            text = (f"sagen {shown(case_id)} er ændret, siden du hentede den (version {base_version}): "
                    f"{shown(saved_by)} gemte version {version} {saved_at}; hent den nye version og ret igen")
        super().__init__(text)


class DamagedRegister(RegisterError):
    """The register file is not a readable SQLite database (damaged, or another kind of file)."""

    exit_code = 1

    def __init__(self, file: str | None = None):
        super().__init__("registerfilen er beskadiget eller ikke et beredskab-register; "
                         "gendan den fra en sikkerhedskopi (beredskab cases backup)", file=file)


class ServeError(BeredskabError):
    """The web form cannot start as asked: no users on a public address, the port in use."""
