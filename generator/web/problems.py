"""The validator's Danish problems placed on the page: a message above each field and an error
summary at the top whose links move the focus to the field (GOV.UK's and the Danish design
system's pattern, in our own code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from ..errors import Problem
from .widgets import Widget, html_id


@dataclass(frozen=True)
class SummaryItem:
    text: str
    href: str | None


def message(problem: Problem) -> str:
    """``Sted skal udfyldes``: the field's Danish label, then the reason."""
    label = problem.label or (problem.path or "").rsplit(".", 1)[-1]
    return f"{label} {problem.reason}".strip()


def by_path(problems: Iterable[Problem], section: str) -> dict[str, str]:
    """The messages of ``section``'s fields, by field path (the first problem of a field wins)."""
    messages: dict[str, str] = {}
    for problem in problems:
        if problem.path and (problem.path == section or problem.path.startswith(section + ".")):
            messages.setdefault(problem.path, message(problem))
    return messages


def anchors(widgets: Iterable[Widget], owners: dict[str, str] | None = None) -> dict[str, str]:
    """Every widget's path -> the id its summary link points at (in page order); ``owners`` gets
    each nested field's enclosing group or item label."""
    found: dict[str, str] = {}

    def walk(widget: Widget, owner: str | None) -> None:
        found[widget.name] = widget.anchor
        if owner and owners is not None:
            owners[widget.name] = owner
        inner = widget.label if widget.kind == "group" else owner
        for child in widget.children + widget.items:
            walk(child, inner)

    for widget in widgets:
        walk(widget, None)
    return found


def summary(problems: Iterable[Problem], section: str, widgets: list[Widget],
            section_url: Callable[[str], str], sections: Iterable[str]) -> list[SummaryItem]:
    """One item per problem: this section's link to their field, other sections' to their page."""
    owners: dict[str, str] = {}
    places = anchors(widgets, owners)
    order = {path: position for position, path in enumerate(places)}
    known = list(sections)
    items = []

    def position(problem: Problem) -> tuple:
        path = problem.path or ""
        owner = path.split(".", 1)[0].split("[", 1)[0]
        near = path if path in order else _nearest_path(path, order)
        return (known.index(owner) if owner in known else len(known), order.get(near, len(order)))

    for problem in sorted(problems, key=position):
        path = problem.path or ""
        owner = path.split(".", 1)[0].split("[", 1)[0]
        if owner == section:
            anchor = places.get(path) or _nearest(path, places)
            text = message(problem)
            if path in owners:  # "Navn" alone is ambiguous: say whose
                text = f"{owners[path]}: {text}"
            items.append(SummaryItem(text, f"#{anchor}" if anchor else None))
        elif owner in known:
            items.append(SummaryItem(message(problem), f"{section_url(owner)}#{html_id(path)}"))
        else:
            items.append(SummaryItem(message(problem), None))
    return items


def _nearest(path: str, places: dict[str, str]) -> str | None:
    """The anchor of the closest enclosing field of ``path`` (a problem inside a group's item)."""
    found = _nearest_path(path, places)
    return places[found] if found is not None else None


def _nearest_path(path: str, places: dict) -> str | None:
    while "." in path or "[" in path:
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut]
        if path in places:
            return path
    return None
