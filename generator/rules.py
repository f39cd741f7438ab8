"""The plan's rules: which documents a case calls for (and, later, deadlines and the checklist)."""

from __future__ import annotations

from .errors import PackError


def documents(settings: dict) -> dict[str, dict]:
    """Every document the pack defines: name -> {title, description}, from plan.yaml."""
    docs = settings.get("documents") or {}
    if not isinstance(docs, dict) or not docs:
        raise PackError("plan.yaml skal have en liste 'documents' med mindst ét dokument")
    return docs


def applicable_documents(case: dict, settings: dict) -> list[str]:
    """The documents this case calls for, in the order plan.yaml lists them."""
    wanted = []
    for name in documents(settings):
        if name == "incident_note" and case.get("incident"):
            wanted.append(name)
    return wanted
