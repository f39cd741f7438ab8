"""One case on one day: everything the plan's obligations say about it.

:func:`evaluate` computes the deadlines, the checklist, the documents that apply
and the Safetynet class for a case and a ``today``; templates get the result as
``rules`` and ``beredskab check`` prints it (:func:`check_lines`), so a deadline
in a document and in the terminal always comes from the same place.
"""

from __future__ import annotations

from datetime import date
from collections.abc import Mapping
from typing import NamedTuple

from ..dates import long_date
from .checklist import Item
from .deadlines import Deadline
from .documents import DocumentAdvice
from .obligations import Obligations
from .safetynet import Safetynet


class Evaluation(NamedTuple):
    """Everything the rules say about one case on one day."""

    today: date
    documents: list[DocumentAdvice]
    deadlines: dict[str, Deadline]
    checklist: list[Item]
    safetynet: Safetynet
    warnings: list[str]

    @property
    def overdue(self) -> list[Item]:
        return [item for item in self.checklist if item.overdue]

    def ready(self, document: str) -> bool:
        """False while an item that blocks ``document`` (plan.yaml ``blocks``) is not done."""
        return not any(document in item.blocks for item in self.checklist)

    @property
    def ban_ready(self) -> bool:
        """False while the visit ban must not be sent (its hearing is unfinished)."""
        return self.ready("visit_ban")

    def applicable(self) -> list[str]:
        """The documents the case calls for, in plan.yaml order."""
        return [advice.name for advice in self.documents if advice.applies]


def evaluate(obligations: Obligations, case: Mapping, today: date) -> Evaluation:
    """Apply every obligation of the plan to ``case`` as of ``today``."""
    deadlines = {}
    for rule in obligations.due_dates.values():
        found = rule.compute(case, today, obligations.numbers)
        if found is not None:
            deadlines[rule.id] = found
    lookup = obligations.lookup(deadlines)
    items = [item for rule in obligations.items if (item := rule.build(case, today, deadlines, lookup)) is not None]
    return Evaluation(
        today=today,
        documents=[rule.advice(case, today) for rule in obligations.documents.values()],
        deadlines=deadlines,
        checklist=items,
        safetynet=obligations.safetynet.classify(case, today),
        warnings=[item.warning for item in items if item.warning],
    )


def check_lines(evaluation: Evaluation, case_id: str) -> list[str]:
    """The checklist as terminal lines (``beredskab check``): one line per item, marks for status."""
    lines = [f"Handleplan for sag {case_id} pr. {long_date(evaluation.today)}", ""]
    marks = {"done": "[x]", "overdue": "[!]", "open": "[ ]", "reminder": "[i]"}
    for item in evaluation.checklist:
        lines.append(f"{marks[item.state]} {item.what}")
        lines.append(f"    Hvem: {item.who} · Frist: {item.due_text} · Status: {item.status}")
        if item.note:  # e.g. the other deadline where the plan's and the law's both apply
            lines.append(f"    {item.note}")
    if evaluation.deadlines:
        lines += ["", "Frister:"]
        lines += [f"  {d.title}: {d.text} ({d.basis})" for d in evaluation.deadlines.values()]
    lines += ["", "Dokumenter:"]
    for advice in evaluation.documents:
        mark = "+" if advice.applies else "-"
        lines.append(f"  {mark} {advice.name}: {advice.title} – {advice.reason}")
    if evaluation.warnings:
        lines += ["", "Advarsler:"]
        lines += [f"  ! {warning}" for warning in evaluation.warnings]
    overdue = len(evaluation.overdue)
    lines += ["", f"{overdue} opgave(r) er overskredet." if overdue else "Ingen opgaver er overskredet."]
    return lines
