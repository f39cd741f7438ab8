"""One document being made from a reference: its stories, pictures, list restarts and properties.

The writer fills the stories (lists of ``_wml`` blocks); ``docx`` puts the
document together: the new parts' XML around the reference's text, the
reference's unchanged parts as the entries compressed once, and the parts that
differ (relationships, content types, numbering) made or taken from the
reference's cache. Picture parts, relationship ids and picture ids follow
python-docx's rules, so the package is the one python-docx would write.
"""

from __future__ import annotations

from datetime import datetime, time, timezone

from . import _wml, _zip
from ._html import XML_ILLEGAL
from ._opc import CORE_REL, CORE_TYPE, STORY_TYPE, content_types_xml, next_rid, rels_xml
from ._package import Reference
from ._picture import Picture

_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"

#: Compression of the parts made per document: level 3 takes a quarter of level 6's time (which
#: sets up lazy matching) for 6 % more bytes; the parts shared with the reference are level 9.
LEVEL = 3


class Document:
    """A document in the making: the body and the header/footer stories ``stories`` it replaces."""

    def __init__(self, reference: Reference, stories: tuple[str, ...]) -> None:
        self.reference = reference
        variant = reference.variant(stories)
        self._document_text = variant["document"][:2]
        self.body: list = []
        self.stories: dict[str, list] = {where: [] for where in stories}
        self._story_parts = variant["stories"]  # where -> (part name, before, after, next id, new?)
        self._rels = {source: list(rels) for source, rels in reference.rels.items()}
        self._rels[reference.document] = list(variant["rels"])
        self._next_ids = {reference.document: variant["document"][2]}
        for partname, _, _, next_id, _ in self._story_parts.values():
            self._next_ids[partname] = next_id
        self._media = dict(reference.media)  # sha1 -> part name
        self._new_media: dict[str, tuple[str, bytes]] = {}  # part name -> (content type, bytes)
        self._nums: list[tuple[int, str, int]] = []
        self._num_ids = None

    def part_of(self, where: str | None) -> str:
        """The part name of the story ``where`` (None: the body)."""
        return self.reference.document if where is None else self._story_parts[where][0]

    def picture(self, where: str | None, picture: Picture) -> tuple[int, str]:
        """Relate ``picture`` from the story ``where``; return its picture id and relationship id."""
        partname = self._media.get(picture.sha1)
        if partname is None:  # python-docx: /word/media/image<n>, the first number not taken
            taken = {p.rsplit("/", 1)[-1].split(".")[0] for p in self._media.values()}
            number = next(n for n in range(1, len(taken) + 2) if f"image{n}" not in taken)
            partname = self._media[picture.sha1] = f"/word/media/image{number}.{picture.ext}"
            self._new_media[partname] = (picture.content_type, picture.blob)
        source = self.part_of(where)
        rels = self._rels.setdefault(source, [])
        rid = next((rid for rid, kind, target in rels if kind == _IMAGE_REL and target == partname), None)
        if rid is None:
            rid = next_rid(rels)
            rels.append((rid, _IMAGE_REL, partname))
        shape_id = self._next_ids[source]
        self._next_ids[source] = shape_id + 1
        return shape_id, rid

    def num_restart(self, num_id: str | None, ilvl: int) -> int | None:
        """A new numbering instance of ``num_id``'s list restarting level ``ilvl`` at 1; its numId,
        or None when there is no such numbering."""
        abstract = self.reference.abstract_num(num_id)
        if abstract is None:
            return None
        if self._num_ids is None:
            self._num_ids = self.reference.num_ids()
        new = next(n for n in range(1, len(self._num_ids) + 2) if n not in self._num_ids)
        self._num_ids.add(new)
        self._nums.append((new, abstract, ilvl))
        return new

    def docx(self, core: dict[str, str], language: str) -> bytes:
        """The .docx bytes: the stories written out, ``core`` (Clark tag -> XML text) as the properties."""
        ref = self.reference
        entries = dict(ref.entries)
        entries.update(ref.language_entries(language))
        before, after = self._document_text
        entries[ref.document] = _zip.entry(ref.document[1:], (before + _wml.xml(self.body) + after).encode(), LEVEL)
        types = dict(ref.types)
        for where, blocks in self.stories.items():
            partname, before, after, _, new = self._story_parts[where]
            entries[partname] = _zip.entry(partname[1:], (before + _wml.xml(blocks) + after).encode(), LEVEL)
            if new:
                types[partname] = STORY_TYPE.format(where)
        for partname, (content_type, blob) in self._new_media.items():
            entries[partname] = ref.cached(("media", partname, blob), lambda: _zip.entry(partname[1:], blob))
            types[partname] = content_type
        if self._nums:
            entries[ref.numbering] = _zip.entry(ref.numbering[1:], ref.numbering_xml(self._nums), LEVEL)
        rels = self._rels
        core_part = ref.core
        if core_part is None:  # python-docx adds core properties to a package without them
            core_part = "/docProps/core.xml"
            rels["/"] = rels.get("/", []) + [(next_rid(rels.get("/", [])), CORE_REL, core_part)]
            types[core_part] = CORE_TYPE
        entries[core_part] = _zip.entry(core_part[1:], ref.core_xml(core), LEVEL)
        type_key = tuple(sorted(types.items()))
        entries["/[Content_Types].xml"] = ref.cached(
            ("types", type_key), lambda: _zip.entry("[Content_Types].xml", content_types_xml(type_key)))
        ordered = [entries["/[Content_Types].xml"]]
        for part in _walk(rels):
            if part == "/" or part in entries:
                if part != "/":
                    ordered.append(entries[part])
                if rels.get(part):
                    name = "/_rels/.rels" if part == "/" else _rels_name(part)
                    key = ("rels", part, tuple(rels[part]))
                    ordered.append(ref.cached(key, lambda: _zip.entry(name[1:], rels_xml(part, rels[part]))))
        return _zip.archive(ordered)


def _rels_name(partname: str) -> str:
    folder, file = partname.rsplit("/", 1)
    return f"{folder}/_rels/{file}.rels"


def _walk(rels: dict[str, list]) -> list[str]:
    """The package ("/") and its parts in python-docx's order: depth first along the relationships."""
    order = ["/"]
    seen = {"/"}

    def visit(source: str) -> None:
        for _, _, target in rels.get(source, ()):
            if target not in seen:
                seen.add(target)
                order.append(target)
                visit(target)

    visit("/")
    return order


#: The document properties ``build_document`` takes.
_PROPERTY_KEYS = frozenset({"title", "author", "subject", "keywords", "created", "language"})
_CP, _DC, _DCTERMS = ("{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}",
                      "{http://purl.org/dc/elements/1.1/}", "{http://purl.org/dc/terms/}")
_CORE_TAGS = {"title": f"{_DC}title", "author": f"{_DC}creator", "subject": f"{_DC}subject",
              "keywords": f"{_CP}keywords"}


def core_properties(properties: dict) -> tuple[dict[str, str], str]:
    """The core properties (Clark tag -> XML text) for title, author, subject, keywords, created and
    language (default da-DK), and the language."""
    unknown = set(properties) - _PROPERTY_KEYS
    if unknown:
        raise TypeError(f"unknown document properties: {', '.join(sorted(unknown))}")
    core = {}
    for key in ("title", "author", "subject", "keywords"):
        value = properties.get(key)
        if isinstance(value, (list, tuple)):  # keywords may come as a list
            value = ", ".join(map(str, value))
        if value:  # core properties hold at most 255 characters of XML text
            core[_CORE_TAGS[key]] = _wml.text(XML_ILLEGAL.sub("", str(value))[:255])
    if properties.get("author"):
        core[f"{_CP}lastModifiedBy"] = core[f"{_DC}creator"]
    created = properties.get("created")
    if created is not None:
        if not isinstance(created, datetime):
            created = datetime.combine(created, time())
        if created.tzinfo is not None:
            created = created.astimezone(timezone.utc).replace(tzinfo=None)  # stored as UTC
        core[f"{_DCTERMS}created"] = core[f"{_DCTERMS}modified"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    language = properties.get("language") or "da-DK"
    core[f"{_DC}language"] = _wml.text(language)
    return core, language
