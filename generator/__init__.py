"""beredskab: forms and Word documents for a municipal emergency plan against violence at work.

The public API (see the README, "Use as a library")::

    from beredskab import Engine, CaseError
    engine = Engine.load()
    case = engine.validate(data)
    docx_bytes = engine.render(case, "incident_note")

Everything a caller may rely on is named in ``__all__``; the subpackages behind
the engine (case, rules, render, word, output, pack) are its parts.
"""

from .version import __version__

from .errors import (  # noqa: E402 - errors import nothing of beredskab
    BeredskabError, CaseError, DamagedRegister, EnvironmentFailure, FormError, IntegrityError, OutputError,
    PackError, Problem, RegisterError, StaleCase, TemplateError, UnknownCase,
)

__all__ = [
    "__version__", "Engine", "Case", "Problem", "BeredskabError", "CaseError", "FormError", "PackError",
    "TemplateError", "OutputError", "EnvironmentFailure", "IntegrityError",
    "RegisterError", "StaleCase", "UnknownCase", "DamagedRegister",
]


def __getattr__(name: str):
    # The engine pulls in Jinja2, Cerberus and PyYAML: loaded on first use, so
    # `beredskab --help` and `import beredskab.errors` stay fast (PEP 562).
    if name == "Engine":
        from .engine import Engine

        return Engine
    if name == "Case":
        from .case.model import Case

        return Case
    raise AttributeError(f"module 'beredskab' has no attribute {name!r}")
