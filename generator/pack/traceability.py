"""The plan traced: read docs/traceability.md and find what a pack lacks of what it names.

``docs/traceability.md`` holds one table row per obligation or recommendation of
the emergency plan, naming the form fields, rules, documents and sections that
realise it (its format is described at the top of that file). The test suite
checks the table against the default pack; ``beredskab plan check`` checks it
against a department's pack and warns (``Advarsel: ...``) where the pack removed
a field, a choice, a checklist item, a document or a section a row relies on.
A pack is always checked against the default pack's table: the municipality's
plan is the one the departments adapt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

from functools import lru_cache

from ..case.paths import rules_at
from ..errors import PackError, Problem
from .loader import Pack, default_pack_dir

#: Where the table lives in a pack (the default pack's copy is the one read).
TABLE_PATH = Path("docs") / "traceability.md"

#: Column headers -> attribute names; every one must be present.
COLUMNS = {
    "Id": "id", "Planens tekst": "quote", "Forpligter": "binds", "Felter": "fields", "Regler": "rules",
    "Dokument og afsnit": "places", "Status": "status", "Bemærkning": "remark",
}

#: Who the plan can bind, as written in the column ``Forpligter``.
PARTIES = ("medarbejder", "leder", "AMR/sikkerhedsgruppe", "MED-udvalg", "arbejdsmiljøgruppe", "direktør")

#: Status words (the start of the column ``Status``) -> kind.
STATUSES = {"realiseret": "realised", "påmindelse i handleplanen": "reminder", "uden for beredskab": "outside"}

_CODE = re.compile(r"`([^`]+)`")
_PLACE = re.compile(r'^\s*`([^`]+)`\s*(?::\s*(.*?))?\s*$')
_QUOTED = re.compile(r'"([^"]+)"')
_HEADINGS = ("h1", "h2", "h3")
_BLOCKS = frozenset({"p", "li", "td", "th", *_HEADINGS})


@dataclass(frozen=True)
class Place:
    """A document and, optionally, a section of it (a heading or a labelled block as rendered)."""

    document: str
    section: str | None = None


@dataclass(frozen=True)
class Row:
    """One obligation or recommendation of the plan and where beredskab realises it."""

    id: str
    quote: str
    binds: tuple[str, ...]
    fields: tuple[str, ...]
    rules: tuple[str, ...]
    places: tuple[Place, ...]
    status: str
    reason: str
    remark: str
    line: int

    @property
    def kind(self) -> str:
        """``realised``, ``reminder`` or ``outside``."""
        return STATUSES[self.status]

    @property
    def points_at_something(self) -> bool:
        return bool(self.fields or self.rules or self.places)


@dataclass(frozen=True)
class Gap:
    """Something a row names that the pack does not have."""

    reason: str
    rows: tuple[str, ...]

    def warning(self) -> str:
        """One Danish line for ``plan check``."""
        return (f"Advarsel: {self.reason}, men planens krav {', '.join(self.rows)} realiseres med det "
                f"(se {TABLE_PATH.as_posix()} i standardplanen)")


@dataclass
class RenderedText:
    """What a rendered document shows: its headings and its text blocks (paragraphs, cells)."""

    headings: set[str] = field(default_factory=set)
    blocks: set[str] = field(default_factory=set)

    def shows(self, section: str) -> bool:
        """True when ``section`` is a heading, or at least the whole text of a paragraph or cell."""
        name = _normalise(section)
        return name in self.headings or name in self.blocks


def _normalise(text: str) -> str:
    return " ".join(text.split())


# --- reading the table --------------------------------------------------------------


def default_table() -> Path:
    """The default pack's table (installed as package data with the defaults)."""
    return default_pack_dir() / TABLE_PATH


def load(path: str | Path | None = None) -> list[Row]:
    """The rows of the table in ``path`` (default: the default pack's)."""
    path = Path(path) if path is not None else default_table()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise PackError("sporingstabellen kan ikke læses", file=str(path)) from err
    return parse(text, str(path))


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse(text: str, name: str = TABLE_PATH.as_posix()) -> list[Row]:
    """Parse the first table whose first column is ``Id``; one PackError lists every bad row."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("|") and _cells(line)[0] == "Id"), None)
    if start is None:
        raise PackError("sporingstabellen mangler (en tabel, hvis første kolonne hedder 'Id')", file=name)
    headers = _cells(lines[start])
    missing = [h for h in COLUMNS if h not in headers]
    if missing:
        raise PackError(f"sporingstabellen mangler kolonnerne {', '.join(missing)}", file=name, line=start + 1)
    rows: list[Row] = []
    problems: list[tuple[str, int]] = []
    for number, line in enumerate(lines[start + 2:], start=start + 3):
        if not line.startswith("|"):
            break
        cells = _cells(line)
        if len(cells) != len(headers):
            problems.append((f"rækken har {len(cells)} kolonner, ikke {len(headers)}", number))
            continue
        values = {COLUMNS[h]: cell for h, cell in zip(headers, cells) if h in COLUMNS}
        try:
            rows.append(_row(values, number))
        except ValueError as err:
            problems.append((str(err), number))
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            problems.append((f"id '{row.id}' står i flere rækker", row.line))
        seen.add(row.id)
    if problems:
        raise PackError([Problem(reason, file=name, line=line) for reason, line in problems])
    return rows


def _row(values: dict[str, str], line: int) -> Row:
    """One row from its cells; ValueError (Danish) when a cell breaks the format."""
    row_id = values["id"].strip("`")
    if not re.fullmatch(r"[A-Za-z0-9_-]+", row_id):
        raise ValueError("kolonnen Id skal være et kort id (bogstaver, tal, - og _)")
    binds = tuple(p.strip() for p in values["binds"].split(",") if p.strip())
    unknown = [p for p in binds if p not in PARTIES]
    if not binds or unknown:
        raise ValueError(f"kolonnen Forpligter skal nævne nogle af: {', '.join(PARTIES)}")
    status, _, reason = values["status"].partition(":")
    status = status.strip()
    if status not in STATUSES:
        raise ValueError(f"kolonnen Status skal begynde med en af: {', '.join(STATUSES)}")
    if STATUSES[status] == "outside" and not reason.strip():
        raise ValueError("'uden for beredskab' skal have en grund efter kolon")
    places = []
    for part in filter(str.strip, values["places"].split(";")):
        match = _PLACE.match(part)
        if not match:
            raise ValueError("kolonnen Dokument og afsnit skal have formen `dokument`: \"Afsnit\"; ...")
        sections = _QUOTED.findall(match.group(2) or "")
        if match.group(2) and not sections:
            raise ValueError("et afsnit skal stå i anførselstegn: `dokument`: \"Afsnit\"")
        places += [Place(match.group(1), s) for s in sections] or [Place(match.group(1))]
    row = Row(id=row_id, quote=values["quote"], binds=binds, fields=tuple(_CODE.findall(values["fields"])),
              rules=tuple(_CODE.findall(values["rules"])), places=tuple(places), status=status,
              reason=reason.strip(), remark=values["remark"], line=line)
    if row.kind == "realised" and not row.points_at_something:
        raise ValueError("rækken peger hverken på et felt, en regel eller et dokument; "
                         "skriv 'uden for beredskab: <grund>', hvis beredskab ikke realiserer den")
    if row.kind == "reminder" and not any(r in checklist_ids(default_settings()) for r in row.rules):
        raise ValueError("en påmindelse skal nævne sit punkt i handleplanen i kolonnen Regler")
    return row


# --- what a pack has -------------------------------------------------------------------


def field_gap(schema: dict, reference: str) -> str | None:
    """Why ``reference`` (``a.b``, ``a.list[].c``, ``a.b=choice``) names nothing in ``schema``."""
    path, _, choice = reference.partition("=")
    parts = [0 if part == "[]" else part for part in path.replace("[]", ".[]").split(".") if part]
    found = rules_at(schema, parts)
    if found is None:
        return f"feltet '{path}' findes ikke i formularerne"
    if choice:
        allowed = found.get("allowed") or (found.get("schema") or {}).get("allowed") or ()
        if choice not in allowed:
            return f"valget '{choice}' findes ikke i feltet '{path}'"
    return None


@lru_cache(maxsize=1)
def default_settings() -> dict:
    """The default pack's plan.yaml: the obligations the table's rule ids name."""
    return Pack((default_pack_dir(),)).settings


def checklist_ids(settings: dict) -> list[str]:
    """The ids of the checklist items in ``settings`` (plan.yaml ``checklist``)."""
    items = settings.get("checklist")
    return [key for key, value in items.items() if value is not None] if isinstance(items, dict) else []


#: The sections of plan.yaml whose entries a rule id names (a bare id is a checklist item).
RULE_SECTIONS = ("checklist", "due_dates", "documents", "safetynet")


def _qualified(name: str) -> tuple[str, str]:
    """``ban_hearing`` -> (checklist, ban_hearing); ``due_dates.x`` -> (due_dates, x)."""
    section, _, key = name.rpartition(".")
    return section or "checklist", key


def _has_rule(settings: dict, name: str) -> bool:
    section, key = _qualified(name)
    entries = settings.get(section) if section in RULE_SECTIONS else None
    return isinstance(entries, dict) and entries.get(key) is not None


def is_rule(name: str) -> bool:
    """An obligation of the default plan: a checklist item id, ``due_dates.x``, ``documents.x``, ``safetynet.x``."""
    return _has_rule(default_settings(), name)


def rule_gap(settings: dict, name: str) -> str | None:
    """Why rule ``name`` is not in force: unknown, or an obligation the pack dropped."""
    if not is_rule(name):
        return f"reglen '{name}' findes ikke i standardplanens plan.yaml"
    if not _has_rule(settings, name):
        section, key = _qualified(name)
        return f"punktet '{section}.{key}' er fjernet fra plan.yaml"
    return None


def gaps(rows: Iterable[Row], schema: dict, settings: dict, documents: Iterable[str],
         rendered: dict[str, list[RenderedText]]) -> list[Gap]:
    """What the rows name that a pack lacks; each reason once, with every row that needs it.

    A section is looked for in every rendering of its document in ``rendered``; a
    document rendered for no case is not judged (there is nothing to look in).
    """
    documents = set(documents)
    found: dict[str, list[str]] = {}
    for row in rows:
        reasons = [field_gap(schema, ref) for ref in row.fields]
        reasons += [rule_gap(settings, name) for name in row.rules]
        for place in row.places:
            if place.document not in documents:
                reasons.append(f"dokumentet '{place.document}' findes ikke i plan.yaml")
            elif place.section and rendered.get(place.document) and not any(
                    text.shows(place.section) for text in rendered[place.document]):
                reasons.append(f"afsnittet \"{place.section}\" findes ikke i dokumentet '{place.document}' "
                               f"i nogen eksempelsag")
        for reason in reasons:
            if reason and row.id not in found.setdefault(reason, []):
                found[reason].append(row.id)
    return [Gap(reason, tuple(ids)) for reason, ids in found.items()]


# --- rendered documents ----------------------------------------------------------------


class _TextParser(HTMLParser):
    """Collect headings and block texts of the HTML subset the templates produce."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = RenderedText()
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._open.append((tag, []))
        elif tag == "br" and self._open:
            self._open[-1][1].append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS and self._open and self._open[-1][0] == tag:
            _, parts = self._open.pop()
            text = _normalise("".join(parts))
            (self.result.headings if tag in _HEADINGS else self.result.blocks).add(text)
            if self._open:
                self._open[-1][1].append(" ".join(parts))

    def handle_data(self, data):
        if self._open:
            self._open[-1][1].append(data)


def html_text(html: str) -> RenderedText:
    """Headings and text blocks of a rendered document's HTML."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.result


def pack_warnings(engine, rendered: dict[str, list[RenderedText]]) -> list[str]:
    """``Advarsel:`` lines for what the pack of ``engine`` removed that the plan's table relies on.

    ``rendered`` is the text of the documents ``plan check`` rendered from the pack's examples.
    """
    try:
        rows = load()
    except PackError as err:
        return [f"Advarsel: {line}; planens krav er ikke kontrolleret" for line in err.lines()]
    found = gaps(rows, engine.forms.schema, engine.settings, engine.documents(), rendered)
    return [gap.warning() for gap in found]
