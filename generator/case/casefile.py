"""Case data as plain JSON: read and parse a case file with a Danish message for every way it
can be wrong, clean its texts, and set a field by its path.

Every front end reads case files through here (the command line, the register's import,
``fill``), and :meth:`Forms.validate <beredskab.case.forms.Forms.validate>` cleans what it
validates with :func:`cleaned`, so a text is the same wherever it came from.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any

from ..errors import CaseError, shown

#: Largest case file read; a case is a few KB, so anything this big is a mistake.
MAX_CASE_BYTES = 2_000_000

#: Characters XML 1.0 cannot hold (pasted from e-mail: NUL, vertical tab, form feed ...).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: Danish for the messages of Python's json module, by their start.
_JSON_REASONS = {
    "Expecting value": "forventede en værdi",
    "Expecting ',' delimiter": "mangler et komma",
    "Expecting ':' delimiter": "mangler et kolon efter feltnavnet",
    "Expecting property name enclosed in double quotes": "feltnavne skal stå i dobbelte anførselstegn",
    "Unterminated string": "en tekst mangler sit afsluttende anførselstegn",
    "Extra data": "der står mere efter JSON-objektet",
    "Invalid control character": "ugyldigt tegn i en tekst (skriv linjeskift som \\n)",
    "Invalid \\escape": "ugyldig brug af \\ i en tekst",
    "Invalid \\uXXXX escape": "ugyldig \\u-kode i en tekst",
    "Illegal trailing comma": "der står et komma for meget før } eller ]",  # Python 3.13+
}


#: Top-level keys of a case file that are not case data: an editor's pointer to the JSON
#: Schema, and the register version a file was exported from (``beredskab cases export``).
NOT_CASE_DATA = ("$schema", "$version")


def clean_strings(value: Any) -> Any:
    """Trim every text and remove characters XML cannot hold; keep all other Unicode exactly."""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        return {k: clean_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_strings(v) for v in value]
    return value


def _clean_text(value: str) -> str:
    if value.isprintable():  # no line break, control character or non-character: nothing to replace
        return value.strip()
    return _XML_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def cleaned(value: Any) -> Any:
    """Case data as it is validated: every text cleaned (:func:`clean_strings`), and fields that are
    null left out, in one walk.

    In a case file ``null`` means "not filled in": the form's default then applies (``[]`` for
    a list, ``{}`` for a group), so a template never meets None where it expects a list, and a
    required field that is null gets the same "skal udfyldes" as one that is missing.
    """
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, dict):
        return {k: cleaned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [cleaned(v) for v in value]
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise CaseError(f"feltet '{shown(key)}' står to gange i samme objekt")
        result[key] = value
    return result


def read_case_file(path: str | Path) -> dict:
    """Read a case file as a JSON object, with a Danish message for every way it can be wrong."""
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise CaseError("er en mappe, ikke en sagsfil", file=name)
        # Read at most one byte past the limit: a pipe or device has no size to stat.
        with path.open("rb") as handle:
            raw = handle.read(MAX_CASE_BYTES + 1)
    except FileNotFoundError as err:
        raise CaseError("filen findes ikke", file=name) from err
    except PermissionError as err:
        raise CaseError("ingen adgang til at læse filen", file=name) from err
    except (OSError, ValueError) as err:  # a name too long, a NUL byte, an I/O error
        raise CaseError("filen kan ikke læses", file=name) from err
    if len(raw) > MAX_CASE_BYTES:
        raise CaseError(f"filen er for stor til at være en sagsfil (over {MAX_CASE_BYTES // 1_000_000} MB)", file=name)
    return parse_case_json(raw, name)


def parse_case_json(raw: bytes, name: str = "<input>") -> dict:
    """Parse the bytes of a case file into a dict: UTF-8 (a BOM allowed) or UTF-16 with a BOM
    (what Windows PowerShell 5.1's ``>`` writes)."""
    if not raw.strip():
        raise CaseError("filen er tom", file=name)
    try:
        text = raw.decode("utf-16") if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) \
            else raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CaseError(
            "filen er ikke gemt som UTF-8; gem den igen som UTF-8 (i Notesblok: Gem som > Kodning: UTF-8)",
            file=name,
        ) from err
    try:
        # strict=False: a line break or tab pasted straight into a text is kept, not refused;
        # other control characters are removed by clean_strings before validation.
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_refuse_constant, strict=False)
    except json.JSONDecodeError as err:
        reason = next((da for en, da in _JSON_REASONS.items() if err.msg.startswith(en)), "teksten er ikke gyldig JSON")
        if err.msg.startswith(("Expecting property name", "Expecting value")) and text[:err.pos].rstrip().endswith(","):
            reason = "der står et komma for meget før } eller ]"
        raise CaseError(f"ugyldig JSON: {reason}", file=name, line=err.lineno, column=err.colno) from err
    except CaseError as err:
        raise err.with_file(name)
    except RecursionError as err:
        raise CaseError("ugyldig JSON: for mange niveauer inde i hinanden", file=name) from err
    except ValueError as err:  # e.g. an integer with more digits than Python converts
        raise CaseError("ugyldig JSON: et tal er for stort", file=name) from err
    if not isinstance(data, dict):
        raise CaseError("skal indeholde ét JSON-objekt ({ ... }) med sektionerne incident, support og ban", file=name)
    return data


def _refuse_constant(name: str) -> Any:
    raise CaseError(f"ugyldig JSON: {name} er ikke en gyldig værdi")


def set_path(data: dict, dotted: str, value: Any) -> None:
    """Set ``a.b[0].c`` in nested dicts/lists, creating groups on the way."""
    parts = [p for p in re.split(r"\.|\[(\d+)\]", dotted) if p]
    current: Any = data
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        key: Any = int(part) if part.isdigit() and isinstance(current, list) else part
        if isinstance(current, list):
            if not isinstance(key, int) or key > len(current):
                raise CaseError("ugyldig sti", path=dotted)
            if key == len(current):
                current.append({} if not last else value)
        elif not isinstance(current, dict):
            raise CaseError("ugyldig sti", path=dotted)
        if last:
            current[key] = value
            return
        if isinstance(current, dict) and not isinstance(current.get(key), (dict, list)):
            current[key] = [] if parts[index + 1].isdigit() else {}  # `a[0].b` on a new case makes the list
        current = current[key]
