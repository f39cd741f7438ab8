"""Export the Cerberus forms as a JSON Schema (2020-12), so editors complete and check case files.

Named ``jsonschema_export`` so it never shadows the ``jsonschema`` library.
Titles and descriptions are the forms' Danish labels and help; choice fields
get an ``enum`` of their keys with the Danish labels beside them
(``enumDescriptions``, which VS Code shows while completing). Conditional
requirements between sibling fields become ``if``/``then``. Dates accept the
same ISO and Danish spellings as the validator (``dates.py``); JSON Schema's
``date-time`` format demands seconds and a UTC offset, so a pattern is used
for times instead.
"""

from __future__ import annotations

from typing import Any, Iterable

from ._ecma_regex import ecma_pattern
from .fields import SCHEMA_KEY, condition_of, is_group_list
from .forms import Forms

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_DANISH_DATE = r"\d{1,2}[-./]\d{1,2}[-./]\d{4}"
_ISO_TIME = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?"
_DANISH_TIME = r"([kK][lL]\.?\s*)?\d{1,2}[.:]\d{2}"

#: Date and time types: the JSON Schema each becomes.
DATE_SCHEMAS = {
    "date": {
        "type": "string",
        "anyOf": [
            {"format": "date", "pattern": f"^{_ISO_DATE}$"},
            {"pattern": f"^{_DANISH_DATE}$"},
        ],
        "examples": ["2026-11-24", "24-11-2026"],
    },
    "datetime": {
        "type": "string",
        # A day without a time is accepted too: facts known only by the day.
        "pattern": f"^({_ISO_DATE}|{_DANISH_DATE})([T ]\\s*({_ISO_TIME}|{_DANISH_TIME}))?$",
        "examples": ["2026-11-24T10:30", "24-11-2026 kl. 10.30", "2026-11-24"],
    },
}

#: Cerberus rule -> JSON Schema keyword, where they mean the same.
_SAME = {"maxlength": "maxLength", "minlength": "minLength", "min": "minimum", "max": "maximum"}
_LIST_SAME = {"maxlength": "maxItems", "minlength": "minItems"}


def case_schema(forms: Forms, sections: Iterable[str] | None = None) -> dict:
    """The JSON Schema of a case file holding ``sections`` (all forms when None)."""
    sections = list(forms.sections if sections is None else sections)
    properties: dict[str, Any] = {
        SCHEMA_KEY: {"type": "string", "description": "Stien til dette JSON Schema (til editoren)."},
        "$version": {"type": "integer", "description": "Versionen i sagsregistret, filen er hentet fra."},
    }
    for section in sections:
        properties[section] = field_schema(forms, forms.schema[section])
        properties[section]["title"] = forms.title(section)
        if forms.description(section):
            properties[section]["description"] = forms.description(section)
    required = [s for s in sections if forms.schema[s].get("required")]
    title = forms.title(sections[0]) if len(sections) == 1 else "Sag"
    return {
        "$schema": DIALECT,
        "title": f"{title} (beredskab)",
        "description": "En sagsfil til beredskab: udfyld felterne, og dan dokumenterne med 'beredskab generate'.",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def field_schema(forms: Forms, rules: dict) -> dict:
    """The JSON Schema of one prepared Cerberus field."""
    kind = rules.get("type")
    meta = rules.get("meta") or {}
    if kind in DATE_SCHEMAS:
        schema = _copy(DATE_SCHEMAS[kind])
    elif kind == "dict":
        schema = _object(forms, rules.get("schema") or {})
    elif kind == "list":
        schema = {"type": "array"}
        schema.update({_LIST_SAME[k]: v for k, v in rules.items() if k in _LIST_SAME})
        inner = rules.get("schema")
        if isinstance(inner, dict):
            schema["items"] = field_schema(forms, {**inner, "meta": {"choices": meta.get("choices")}}
                                           if not is_group_list(rules) else inner)
    else:
        schema = {"type": kind} if kind else {}
        schema.update({_SAME[k]: v for k, v in rules.items() if k in _SAME})
        pattern = ecma_pattern(f"^(?:{rules['regex']})$") if rules.get("regex") else None
        if pattern is not None:  # JavaScript's dialect; a construct it lacks leaves the check to beredskab
            schema["pattern"] = pattern
        if kind == "string" and rules.get("empty") is False:
            schema["minLength"] = max(1, schema.get("minLength", 0))
    if "allowed" in rules:
        schema["enum"] = list(rules["allowed"])
        schema["enumDescriptions"] = [forms.label(meta.get("choices"), key) for key in rules["allowed"]]
    if meta.get("label"):
        schema["title"] = meta["label"]
    if meta.get("help"):
        schema["description"] = meta["help"]
    if rules.get("nullable"):
        schema = _nullable(schema)
    return schema


def _object(forms: Forms, children: dict) -> dict:
    """A group of fields: its properties, required fields and conditional requirements."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: field_schema(forms, rules) for name, rules in children.items()},
        "additionalProperties": False,
    }
    required = [name for name, rules in children.items() if rules.get("required")]
    if required:
        schema["required"] = required
    conditions = [_conditional(name, rules) for name, rules in children.items() if rules.get("required_when")]
    conditions = [c for c in conditions if c]
    if conditions:
        schema["allOf"] = conditions
    return schema


def _conditional(name: str, rules: dict) -> dict | None:
    """``required_when: {sibling: value}`` as if/then; conditions on other sections are left to beredskab."""
    condition = condition_of(rules) or {}
    if any(path.startswith("^") or "." in path for path in condition):
        return None
    when = {}
    for path, expected in condition.items():
        values = expected if isinstance(expected, list) else [expected]
        when[path] = {"anyOf": [{"const": v} for v in values] + [
            {"type": "array", "contains": {"enum": values}}]}
    return {
        "if": {"properties": when, "required": list(condition)},
        "then": {"required": [name], "properties": {name: {"not": {"enum": [None, "", [], {}]}}}},
    }


def _nullable(schema: dict) -> dict:
    """Allow null as well (an optional field left empty)."""
    kind = schema.get("type")
    if isinstance(kind, str) and "anyOf" not in schema:
        schema["type"] = [kind, "null"]
        if "enum" in schema:
            schema["enum"] = schema["enum"] + [None]
            schema["enumDescriptions"] = schema["enumDescriptions"] + ["(ikke udfyldt)"]
        return schema
    annotations = {k: schema.pop(k) for k in ("title", "description") if k in schema}
    return {**annotations, "anyOf": [schema, {"type": "null"}]}


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
