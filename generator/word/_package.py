"""The reference .docx as its documents use it: ready zip entries, style ids, numbering, stories' text.

A document differs from its reference only in the stories it fills (the body,
a header, a footer), its core properties, the numbering restarts of its lists
and the pictures it relates. Everything else (styles, theme, fonts, settings,
the reference's pictures) is serialised and compressed once per reference and
written raw into each new zip. The reference's stories are kept as the text
before and after their content, so a document's XML is put together from
strings. ``_reading`` reads a reference with lxml into this plain data once;
the private cache folder keeps it between processes, so a cold ``generate``
with a known reference needs neither lxml nor python-docx.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path

from ._opc import CORE_NS
from ._wml import W_NS, attribute
from ..cache_folder import cache_folder
from ..errors import TemplateError

#: The version of the cached data's shape; raise it when ``_reading`` reads a reference differently.
FORMAT = 1

_W = f"{{{W_NS}}}"


def load(path: Path, read_cleaned) -> "Reference":
    """The reference in file ``path``, from the private cache folder when this reference (by content)
    was read before; else ``read_cleaned(data)`` (the cleaned .docx) is read with ``_reading`` and kept."""
    data = path.read_bytes()
    digest = hashlib.sha256(data)
    for module in (__file__, *_READING_FILES):  # a changed reader (a new version) reads again
        try:
            info = os.stat(module)
            digest.update(f"{info.st_mtime_ns}:{info.st_size}".encode())
        except OSError:
            pass
    name = f"reference-{FORMAT}-{digest.hexdigest()}.marshal"
    folder = cache_folder()
    if folder is not None:
        stored = folder.read(name)
        if stored is not None:
            with stored:
                try:
                    state = marshal.load(stored)
                    if isinstance(state, dict) and state.get("format") == FORMAT:
                        return Reference(state, path.name)
                except (EOFError, ValueError, TypeError, KeyError):
                    pass  # a damaged file is read again and replaced
    from . import _reading

    state = {**_reading.read(read_cleaned(data), path.name), "format": FORMAT}
    if folder is not None:
        try:
            folder.write(name, lambda file: marshal.dump(state, file))
        except OSError:
            pass  # no cache: the next process reads it again
    return Reference(state, path.name)


_READING_FILES = tuple(str(Path(__file__).with_name(f"{module}.py")) for module in ("_reading", "_reference", "_opc", "_wml"))


class Reference:
    """A cleaned reference .docx: ready entries, style ids, list numbering, the text width and stories."""

    def __init__(self, state: dict, name: str) -> None:
        self.name = name
        self.parts: dict[str, bytes] = state["parts"]
        self.types: dict[str, str] = state["types"]
        self.rels: dict[str, list[tuple[str, str, str]]] = state["rels"]  # source ("/": the package) -> relations
        self.document: str = state["document"]
        self.width: int = state["width"]
        self.story_parts: dict[str, str | None] = state["story_parts"]
        self._styles: dict[str, tuple[str, str | None, str | None]] = state["styles"]  # name -> (type, id, numId)
        self._defaults: dict[str, str | None] = state["defaults"]  # type -> id of its default style
        self._ids: dict[tuple[str, str], str | None] = {}  # (name, type) -> what style_id returns
        self.numbering: str | None = state["numbering"]
        self._nums: dict[str, str] = state["nums"]  # numId -> abstractNumId
        self._numbering_text: tuple[str, str] | None = state["numbering_text"]
        self.settings: str | None = state["settings"]
        self.styles_part: str | None = state["styles_part"]
        self.media: dict[str, str] = state["media"]  # sha1 -> part name of the reference's pictures
        self.core: str | None = state["core"]
        self.core_values: dict[str, str] = state["core_values"]  # Clark tag -> the reference's element
        self._core_text: tuple[str, str] = state["core_text"]
        self.entries: dict[str, tuple] = state["entries"]
        self._cache: dict[tuple, object] = dict(state["cache"])  # variants and languages, read already

    def variant(self, wanted: tuple[str, ...]) -> dict:
        """The document's text around its body and the stories ``wanted`` ("header", "footer"):
        the reference's own, or new parts when it has none, as python-docx adds them (read for every
        combination when the reference is read)."""
        return self._cache["variant", wanted]

    def language_entries(self, language: str) -> dict[str, tuple]:
        """The styles and settings entries with the document language ``language``."""
        key = ("language", language)
        if key not in self._cache:
            from ._reading import language_entries

            self._cache[key] = language_entries(self.parts, self.styles_part, self.settings, language)
        return self._cache[key]

    def style_id(self, name: str, kind: str = "paragraph") -> str | None:
        """The id of style ``name`` (escaped; None for the default style), or TemplateError if it is missing."""
        try:
            return self._ids[name, kind]
        except KeyError:
            found = self._ids[name, kind] = self._style_id(name, kind)
            return found

    def _style_id(self, name: str, kind: str) -> str | None:
        found = self._styles.get(_internal(name))
        if found is None:
            raise TemplateError(f"Typografien '{name}' findes ikke i referencedokumentet")
        if found[0] != kind:
            raise TemplateError(f"Typografien '{name}' i referencedokumentet er ikke en {_KINDS.get(kind, kind)}")
        if self._defaults.get(kind) == found[1]:
            return None
        return attribute(found[1] or "")

    def num_id(self, name: str) -> str | None:
        """The numbering instance the list style ``name`` uses, None if it has none."""
        self.style_id(name)
        return self._styles[_internal(name)][2]

    def abstract_num(self, num_id: str | None) -> str | None:
        """The w:abstractNumId of the numbering ``num_id``, None if there is none."""
        if num_id is None or not num_id.isdigit():
            return None
        return self._nums.get(str(int(num_id)))

    def numbering_xml(self, added: list[tuple[int, str, int]]) -> bytes:
        """numbering.xml with a w:num per (numId, abstractNumId, ilvl) restarting that level at 1."""
        before, after = self._numbering_text
        nums = "".join(f'<w:num w:numId="{num}"><w:abstractNumId w:val="{attribute(abstract)}"/>'
                       f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
                       for num, abstract, ilvl in added)
        return (before + nums + after).encode("utf-8")

    def num_ids(self) -> set[int]:
        return {int(num) for num in self._nums}

    def core_xml(self, values: dict[str, str]) -> bytes:
        """core.xml with ``values`` (Clark tag -> element text) in place of the reference's."""
        kept = [xml for tag, xml in self.core_values.items() if tag not in values]
        ours = []
        for tag, xml in values.items():
            ns, local = tag[1:].split("}")
            prefix = next(p for p, u in CORE_NS.items() if u == ns)
            typed = ' xsi:type="dcterms:W3CDTF"' if prefix == "dcterms" else ""
            ours.append(f"<{prefix}:{local}{typed}>{xml}</{prefix}:{local}>")
        before, after = self._core_text
        return (before + "".join(kept + ours) + after).encode("utf-8")

    def cached(self, key: tuple, make):
        """A derived entry (content types, relationships) kept by the content it was made from."""
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) > 256:
                self._cache = {k: v for k, v in self._cache.items() if k[0] in ("variant", "language")}
            found = self._cache[key] = make()
        return found


_KINDS = {"paragraph": "afsnitstypografi", "table": "tabeltypografi", "character": "tegntypografi"}


def _internal(name: str) -> str:
    """The name styles.xml gives a style Word shows as ``name`` (python-docx's aliases)."""
    return _ALIASES.get(name, name)


_ALIASES = {"Caption": "caption", "Footer": "footer", "Header": "header",
            **{f"Heading {n}": f"heading {n}" for n in range(1, 10)}}
