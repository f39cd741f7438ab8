"""The case register: every case, its versions, documents and deadlines in one SQLite file.

Open one :class:`Register` per command or web request and pass it to the
functions below; they know nothing of click or Flask. The register stores and
asks the engine (validation, checklist, documents); it holds no logic of the plan.

    from beredskab.register import Register, save, get_case
    with Register.open("sager.sqlite3", user="hbr") as reg:
        result = save(reg, data, reason="Ny sag", base_version=0)
"""

from .access import ACTIONS, AccessEntry, access_log, log_access
from .cases import (VERSION_KEY, CaseRecord, CaseSummary, CaseVersion, SaveResult, VersionInfo, close_case,
                    export_case, get_case, get_version, history, import_file, list_cases, reopen_case, save,
                    set_fields, validated)
from .session import Register

__all__ = [
    "ACTIONS", "AccessEntry", "CaseRecord", "CaseSummary", "CaseVersion", "Register", "SaveResult",
    "VERSION_KEY", "VersionInfo", "access_log", "close_case", "export_case", "get_case", "get_version",
    "history", "import_file", "list_cases", "log_access", "reopen_case", "save", "set_fields", "validated",
]
