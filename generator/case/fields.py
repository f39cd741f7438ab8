"""One field at a time: find a field's rules, turn typed text into a value, check it with the form's validator.

Prompts, ``--set PATH=VALUE`` and ``init`` all work field by field, but none of
them knows a field by name: everything comes from the prepared schema
(:class:`forms.Forms`). Text is turned into the JSON value the schema expects
(j/n for booleans, comma-separated keys for choice lists ...); anything that
does not fit is passed on unchanged, so the Cerberus validator, the same one
that checks case files, gives the Danish reason.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any, Iterable

from ._validator import condition_holds
from .paths import document_path, label_of, rules_at, split_path, within
from ..dates import to_json
from ..errors import CaseError, Problem
from .forms import Forms
from .casefile import clean_strings

#: What people type for yes and no (Danish first, then what JSON and English users type).
YES = ("j", "ja", "y", "yes", "true", "1")
NO = ("n", "nej", "no", "false", "0")

#: The top-level key an editor reads to find a case file's JSON Schema; not case data.
SCHEMA_KEY = "$schema"


def field_rules(forms: Forms, parts: tuple) -> dict | None:
    """The prepared rules of the field at ``parts``, or None if the forms have no such field."""
    return rules_at(forms.schema, parts)


def is_group_list(rules: dict) -> bool:
    """True for a repeatable group: a list whose items are groups of fields."""
    inner = rules.get("schema")
    return rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict"


def choice_keys(rules: dict) -> list[str]:
    """The allowed keys of a choice field or a choice list; [] for other fields."""
    if rules.get("type") == "list":
        inner = rules.get("schema")
        return list(inner.get("allowed") or []) if isinstance(inner, dict) else []
    return list(rules.get("allowed") or [])


def condition_of(rules: dict) -> dict | None:
    """The condition under which a field applies: ``required_when`` or ``meta.when``."""
    return rules.get("required_when") or (rules.get("meta") or {}).get("when")


def applies(rules: dict, siblings: dict, root: dict) -> bool:
    """True when the field has no condition or its condition holds for ``siblings``/``root``."""
    condition = condition_of(rules)
    if not condition:
        return True

    def lookup(path: str) -> Any:
        current: Any = root if path.startswith("^") else siblings
        for part in path.lstrip("^").split("."):
            current = current.get(part) if isinstance(current, dict) else None
        return current

    return condition_holds(condition, lookup)


def from_text(rules: dict, text: str) -> Any:
    """The JSON value for ``text`` typed for a field; unchanged when it does not fit the type.

    An empty text is None (the field is not filled in). Dates stay text: the
    validator's coercer reads ISO and Danish dates alike.
    """
    text = text.strip()
    kind = rules.get("type")
    if text == "":
        return [] if kind == "list" and not is_group_list(rules) else None
    if kind == "boolean":
        low = text.lower()
        return True if low in YES else False if low in NO else text
    if kind == "integer":
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else text
    if kind == "list" and not is_group_list(rules):
        if text.startswith("["):
            return _json(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    if kind in ("dict", "list"):
        return _json(text)
    return text


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise CaseError("skal skrives som JSON, fx {\"navn\": \"værdi\"}") from err


def parse_assignments(forms: Forms, assignments: Iterable[str]) -> list[tuple[str, Any]]:
    """``PATH=VALUE`` texts (from ``--set``) as (path, value) pairs, coerced by the schema."""
    pairs = []
    problems = []
    for assignment in assignments:
        path, sep, text = assignment.partition("=")
        path = path.strip()
        rules = field_rules(forms, split_path(path)) if path else None
        if not sep or not path:
            problems.append(Problem("--set skal skrives STI=VÆRDI, fx incident.location=Borgerservice"))
        elif rules is None:
            problems.append(Problem("ukendt felt i --set; se felterne med 'beredskab init case'", path=path))
        else:
            try:
                pairs.append((path, choice_value(forms, rules, from_text(rules, text), path)))
            except CaseError as err:
                problems.extend(Problem(p.reason, path=path, label=label_of(rules)) for p in err.problems)
    if problems:
        raise CaseError(problems)
    return pairs


def dumps(data: dict) -> bytes:
    """A case (or schema) as UTF-8 JSON text, indented for people."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def without_schema_key(data: dict) -> dict:
    """The case data without the editor's ``$schema`` key."""
    return {k: v for k, v in data.items() if k != SCHEMA_KEY}


def check_field(forms: Forms, case: dict, parts: tuple, now: datetime | None = None) -> tuple[list[Problem], Any]:
    """Validate ``case`` with the forms' validator; return the problems of one field and its normalised value.

    The whole case is validated, not the field alone, so rules that look at
    other fields (``after``, ``required_when``) judge the field exactly as they
    do in a case file. Problems elsewhere (fields not asked yet) are ignored.
    """
    validator = forms.validator(now)
    valid = validator.validate(clean_strings(without_schema_key(case)))
    path = document_path(parts)
    mine = [] if valid else [p for p in validator.errors if within(p.path, path)]
    value: Any = validator.document
    for part in parts:
        value = value[part] if isinstance(value, (dict, list)) and _has(value, part) else None
    return mine, to_json(value)


def _has(container: dict | list, part: Any) -> bool:
    return part in container if isinstance(container, dict) else isinstance(part, int) and part < len(container)


def skeleton(forms: Forms, sections: Iterable[str], optional_sections: bool = True) -> dict:
    """Every field of ``sections``, empty or with its default, ready to fill in.

    Its only problems are the required fields still empty: a text is ``""``
    where an empty text is valid or required, anything that would be invalid
    empty (a choice, a date, a text with a pattern) is ``null``, and a
    repeatable group gets an empty item only when it needs at least one.
    Without ``optional_sections`` the sections a case may leave out are left out.
    """
    return {section: _blank(forms.schema[section]) for section in sections
            if optional_sections or forms.schema[section].get("required")}


def _blank(rules: dict) -> Any:
    default = rules.get("default")
    if default not in (None, [], {}):
        return default
    kind = rules.get("type")
    if kind == "dict" and isinstance(rules.get("schema"), dict):
        return {name: _blank(child) for name, child in rules["schema"].items()}
    if is_group_list(rules):
        return [_blank(rules["schema"])] if rules.get("minlength") else []
    if kind == "list":
        return []
    if kind == "string" and "allowed" not in rules and (rules.get("required") or not {"regex", "minlength"} & set(rules)):
        return ""
    return None


def choice_value(forms: Forms, rules: dict, value: Any, path: str) -> Any:
    """``value`` with each choice given by its Danish label (``Telefon``) turned into its key (``phone``).

    A value that is neither a key nor a label is refused with the list of both.
    """
    keys = choice_keys(rules)
    if not keys:
        return value
    labels = forms.choices.get((rules.get("meta") or {}).get("choices"), {})
    by_label = {str(label).casefold(): key for key, label in labels.items()}

    def key_of(item: Any) -> Any:
        if not isinstance(item, str) or item in keys:
            return item
        if item.strip().casefold() in by_label:
            return by_label[item.strip().casefold()]
        allowed = ", ".join(f"{key} ({labels.get(key, key)})" for key in keys)
        raise CaseError(Problem(f"er ikke et gyldigt valg; mulige værdier: {allowed}", path=path,
                                label=label_of(rules)))

    return [key_of(item) for item in value] if isinstance(value, list) else key_of(value)


def sections_of(forms: Forms, name: str) -> list[str]:
    """The case sections a form name stands for: one section, or all of them for ``case``."""
    if name == "case":
        return forms.sections
    if name in forms.sections:
        return [name]
    raise CaseError(f"formularen '{name}' findes ikke; mulige: {', '.join(forms.sections)} eller case")
