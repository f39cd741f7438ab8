"""One person's data across the register, for a data subject's access request (GDPR art. 15).

A case names people in many fields (the affected employees, witnesses, the
leader, the note's author, the safety representative), and a pack may add
more; so the search looks at every text of every version, not at a list of
fields: what the register holds about the person is what it returns.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from ..errors import RegisterError
from .access import insert_log
from .session import Register

#: The shortest name searched for; a shorter text would match most cases.
MIN_NAME_CHARS = 3


def _folded(text: str) -> str:
    """Text compared without case and with one space between words (NFC, so æ matches æ)."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def names_person(value: Any, name: str) -> bool:
    """True if any text in ``value`` (nested dicts and lists) contains ``name`` (already folded)."""
    if isinstance(value, str):
        return name in _folded(value)
    if isinstance(value, dict):
        return any(names_person(v, name) for v in value.values())
    if isinstance(value, list):
        return any(names_person(v, name) for v in value)
    return False


def export_person(reg: Register, name: str) -> dict:
    """Every case whose data names ``name`` (in any version), with each such version's data.

    The access log records the export once per case found, with the person acting
    and never the name searched for (it is itself personal data).
    """
    folded = _folded(name)
    if len(folded) < MIN_NAME_CHARS:
        raise RegisterError(f"navnet skal have mindst {MIN_NAME_CHARS} tegn", path="--person")
    cases: dict[str, dict] = {}
    with reg.read() as conn:
        rows = conn.execute("SELECT case_id, version, saved_at, saved_by, reason, valid, data FROM versions "
                            "ORDER BY case_id, version")
        for row in rows:
            data = json.loads(row["data"])
            if not names_person(data, folded):
                continue
            case = cases.setdefault(row["case_id"], {"case_id": row["case_id"], "versions": []})
            case["versions"].append({
                "version": row["version"], "saved_at": row["saved_at"], "saved_by": row["saved_by"],
                "reason": row["reason"], "draft": not row["valid"], "data": data,
            })
    at = reg.now().isoformat()
    with reg.write() as conn:
        for case_id in cases or [None]:
            insert_log(conn, at, reg.user, "person_export", case_id)
    return {"person": name, "exported_at": at, "exported_by": reg.user, "cases": list(cases.values())}
