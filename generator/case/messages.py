"""Cerberus's errors as Danish problems: one line per leaf error, the field named by its label and path.

Only Cerberus's public error API is used here (codes, paths, constraints); the values
of a case are never echoed, since they may be personal data.
"""

from __future__ import annotations

from ._cerberus import import_cerberus

import_cerberus()

from cerberus import errors as cerr  # noqa: E402 - after import_cerberus

from ..errors import Problem  # noqa: E402
from .paths import document_path, label_of, rules_at  # noqa: E402

#: Danish names of the Cerberus types the forms use, for "skal være ..." messages.
TYPE_NAMES = {
    "string": "tekst",
    "integer": "et helt tal",
    "float": "et tal",
    "number": "et tal",
    "boolean": "ja eller nej (true/false)",
    "dict": "en gruppe af felter ({ ... })",
    "list": "en liste ([ ... ])",
    "date": "en dato, fx 2026-11-24",
    "datetime": "en dato med klokkeslæt, fx 2026-11-24T10:30",
}



class DanishErrorHandler(cerr.BaseErrorHandler):
    """Turn Cerberus errors into :class:`Problem` objects with Danish text.

    Keyed by Cerberus error code; the field is named by its label from ``meta``
    and its path in the case. Values are not echoed: they may be personal data.
    """

    #: Error code -> Danish reason. Callables get (error, rules) for the messages
    #: that depend on the field's type or meta.
    messages = {
        cerr.REQUIRED_FIELD.code: "skal udfyldes",
        cerr.DEPENDENCIES_FIELD.code: "kræver, at et andet felt også er udfyldt",
        cerr.DEPENDENCIES_FIELD_VALUE.code: "kræver, at et andet felt også er udfyldt",
        cerr.EXCLUDES_FIELD.code: "kan ikke udfyldes sammen med et andet felt",
        cerr.EMPTY_NOT_ALLOWED.code: "må ikke være tom",
        cerr.NOT_NULLABLE.code: "skal udfyldes",
        cerr.ITEMS_LENGTH.code: "har ikke det rigtige antal elementer",
        cerr.MIN_VALUE.code: "må ikke være mindre end {constraint}",
        cerr.MAX_VALUE.code: "må ikke være større end {constraint}",
        cerr.FORBIDDEN_VALUE.code: "har en værdi, der ikke er tilladt",
        cerr.FORBIDDEN_VALUES.code: "har en værdi, der ikke er tilladt",
        cerr.READONLY_FIELD.code: "må ikke udfyldes",
    }

    def __init__(self, schema: dict | None = None):
        self.schema = schema or {}

    def __call__(self, errors) -> list[Problem]:
        problems: list[Problem] = []
        for error in errors:
            self._collect(error, problems)
        # A value that could not be coerced also fails its type check: say it once.
        coerced = {p.path for p, e in problems if e.code == cerr.COERCION_FAILED.code}
        return [p for p, e in problems if p.path not in coerced or e.code == cerr.COERCION_FAILED.code]

    def _collect(self, error, problems: list) -> None:
        if error.is_group_error:
            for child in error.child_errors:
                self._collect(child, problems)
            return
        parts = tuple(error.document_path)
        rules = rules_at(self.schema, parts)
        problem = Problem(self.reason(error, rules, parts), path=document_path(parts), label=label_of(rules))
        problems.append((problem, error))

    def reason(self, error, rules: dict | None, parts: tuple) -> str:
        """The Danish reason for one leaf error."""
        code = error.code
        rules = rules or {}
        meta = rules.get("meta") or {}
        if code == cerr.UNKNOWN_FIELD.code:
            return self._unknown(parts)
        if code == cerr.BAD_TYPE.code:
            return f"skal være {TYPE_NAMES.get(error.constraint, error.constraint)}"
        if code == cerr.COERCION_FAILED.code:
            # Only this module's coercers exist (YAML cannot name Python code), and
            # they raise DateParseError with Danish text only.
            return str(error.info[0]) if error.info else "er ugyldig"
        if code == cerr.MIN_LENGTH.code:
            return (f"skal have mindst {error.constraint} element(er)" if rules.get("type") == "list"
                    else f"skal være mindst {error.constraint} tegn")
        if code == cerr.MAX_LENGTH.code:
            return (f"må højst have {error.constraint} elementer" if rules.get("type") == "list"
                    else f"må højst være {error.constraint} tegn")
        if code == cerr.REGEX_MISMATCH.code:
            return f"har ikke det rigtige format: {meta.get('pattern_help', 'se hjælpeteksten')}"
        if code in (cerr.UNALLOWED_VALUE.code, cerr.UNALLOWED_VALUES.code):
            allowed = ", ".join(str(a) for a in error.constraint)
            return f"er ikke et gyldigt valg; mulige værdier: {allowed}"
        if code == cerr.CUSTOM.code:
            return str(error.info[0]) if error.info else "er ugyldig"
        template = self.messages.get(code)
        if template is None:
            return "er ugyldig"
        return template.format(constraint=error.constraint)

    def _unknown(self, parts: tuple) -> str:
        parent = rules_at(self.schema, parts[:-1])
        known = list((parent or {}).get("schema", {}).keys()) if isinstance((parent or {}).get("schema"), dict) else []
        import difflib  # only for a misspelt name

        close = difflib.get_close_matches(str(parts[-1]), known, n=1, cutoff=0.6)
        hint = f" – mente du '{close[0]}'?" if close else ""
        return f"ukendt felt{hint}"
