"""The case register: every case, its versions, documents and deadlines in one SQLite file.

Open one :class:`Register` per command or web request and pass it to the
functions below; they know nothing of click or Flask. The register stores and
asks the engine (validation, checklist, documents); it holds no logic of the plan.

    from beredskab.register import Register, save, get_case
    with Register.open("sager.sqlite3", user="hbr") as reg:
        result = save(reg, data, reason="Ny sag", base_version=0)
        case = get_case(reg, result.case_id)

More in the modules: ``documents`` (generate, issue, documents), ``overview``
(overdue), ``stats`` and ``chart``, ``retention`` (purge), ``backup``,
``people`` (export_person), ``access`` (the access log).
"""

from importlib import import_module

#: Public name -> the module that defines it. Loaded on first use (PEP 562), so
#: `beredskab overdue` does not import the forms and Cerberus it never needs.
_EXPORTS = {
    "Register": "session",
    "ACTIONS": "access", "AccessEntry": "access", "access_log": "access", "log_access": "access",
    "VERSION_KEY": "cases", "CaseRecord": "cases", "CaseSummary": "cases", "CaseVersion": "cases",
    "VersionInfo": "cases", "close_case": "cases", "export_case": "cases", "get_case": "cases",
    "get_version": "cases", "history": "cases", "list_cases": "cases", "reopen_case": "cases",
    "validated": "cases",
    "SaveResult": "saving", "import_files": "saving", "save": "saving", "set_fields": "saving",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'beredskab.register' has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
