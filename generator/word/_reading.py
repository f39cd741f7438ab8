"""Read a cleaned reference .docx with lxml into what its documents are made from: once per reference.

``_package.Reference`` holds the result as plain data, which the private cache
folder keeps between processes (a cold ``generate`` then needs neither lxml nor
this reading). What is read: the package's parts and relationships, the style
ids and list numbering, the text width, the body's and the default header's
and footer's XML text around their content (for every combination of stories
a template may replace), the core properties, and the unchanged parts as zip
entries compressed once.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from posixpath import dirname, join, normpath

from lxml import etree

from . import _zip
from ._opc import CORE_NS, CT_NS, DECLARATION, DOC_RELS, next_rid
from ._reference import parser
from ._wml import AFTER_THEME_FONT_LANG, PREFIXES, RPR_ORDER, W_NS
from ..errors import TemplateError

_W = f"{{{W_NS}}}"
_UNITS = {"mm": 36000, "cm": 360000, "in": 914400, "pt": 12700, "pc": 152400, "pi": 152400}


def read(data: bytes, name: str) -> dict:
    """The state of ``_package.Reference`` for the cleaned reference ``data`` (file ``name``).

    A part the cleaning let through but that is not what Word writes there is one Danish line.
    """
    try:
        return _Reader(data, name).state()
    except TemplateError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, zipfile.BadZipFile,
            etree.XMLSyntaxError) as err:
        raise TemplateError(f"Referencedokumentet '{name}' kan ikke åbnes som .docx") from err


def _w(tag: str) -> str:
    prefix, _, local = tag.rpartition(":")
    return f"{_W}{local}" if prefix in ("", "w") else tag


def _emu(value: str | None) -> int:
    """A twips measure (``1417`` or a universal measure such as ``2.5cm``) in EMU."""
    if value is None:
        raise ValueError("missing measure")
    if value[-2:] in _UNITS:
        return int(float(value[:-2]) * _UNITS[value[-2:]])
    return int(value) * 635


def _xml(tree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)


def _declaring(root, prefixes: dict[str, str]):
    """``root`` with ``prefixes`` declared (a new root holding its children, if it lacked one)."""
    if all(root.nsmap.get(prefix) == uri for prefix, uri in prefixes.items()):
        return root
    new = etree.Element(root.tag, attrib=dict(root.attrib), nsmap={**root.nsmap, **prefixes})
    new.text = root.text
    new.extend(list(root))
    return new


def _split(root, where, index: int | None) -> tuple[str, str]:
    """The XML text of ``root`` before and after a place inside ``where`` (at ``index``; None: the end)."""
    marker = etree.Comment(f"beredskab-{uuid.uuid4().hex}")
    if index is None:
        where.append(marker)
    else:
        where.insert(index, marker)
    text = _xml(root).decode("utf-8")
    where.remove(marker)
    before, after = text.split(f"<!--{marker.text}-->")
    return before, after


def _cleared(root, where) -> tuple[str, str, int]:
    """Empty a story (keeping section and cell properties); its text before and after the blocks, and
    the next picture id (python-docx: one more than the largest numeric ``id`` in the part)."""
    for child in list(where):
        if child.tag not in (f"{_W}sectPr", f"{_W}tcPr"):
            where.remove(child)
    index = len(where) - 1 if len(where) and where[-1].tag == f"{_W}sectPr" else None
    ids = [int(value) for value in root.xpath("//@id") if value.isdigit()]
    return (*_split(root, where, index), max(ids, default=0) + 1)


class _Reader:
    """The reading of one reference (lxml trees; the results are plain data)."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        archive = zipfile.ZipFile(io.BytesIO(data))
        blobs = {f"/{info.filename}": archive.read(info) for info in archive.infolist() if not info.is_dir()}
        types = etree.fromstring(blobs.pop("/[Content_Types].xml"), parser())
        defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{{{CT_NS}}}Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{{{CT_NS}}}Override")}
        self.rels: dict[str, list[tuple[str, str, str]]] = {}  # source part ("/": the package) -> (rId, type, target)
        self.parts: dict[str, bytes] = {}
        for partname, blob in blobs.items():
            if partname.endswith(".rels"):
                folder, file = partname.rsplit("/", 1)
                source = join(dirname(folder), file[:-5]) or "/"
                base = dirname(source) or "/"
                self.rels[source] = [(rel.get("Id"), rel.get("Type"), normpath(join(base, rel.get("Target"))))
                                     for rel in etree.fromstring(blob, parser()) if rel.get("TargetMode") != "External"]
            else:
                self.parts[partname] = blob
        self.types = {p: overrides.get(p) or defaults.get(p.rsplit(".", 1)[-1].lower()) for p in self.parts}
        self.document = self._target("/", "/officeDocument")
        if self.document is None or self.document not in self.parts:
            raise KeyError("no main document")
        self._read_document()
        self._read_styles()
        self._read_numbering()
        self.settings = self._target(self.document, "/settings")
        self.media = {}  # sha1 -> part name of the reference's pictures
        for rels in self.rels.values():
            for _, kind, target in rels:
                if kind.endswith("/image") and target in self.parts:
                    self.media.setdefault(hashlib.sha1(self.parts[target]).hexdigest(), target)
        self.core = self._target("/", "/metadata/core-properties")
        self._read_core()
        self.entries = {p: _zip.entry(p.lstrip("/"), b) for p, b in self.parts.items()
                        if p not in (self.document, self.core)}
        self._cache: dict[tuple, object] = {}
        for wanted in ((), ("header",), ("footer",), ("header", "footer")):  # every document takes one of these
            self.variant(wanted)
        self.language_entries("da-DK")

    def _target(self, source: str, kind: str) -> str | None:
        return next((target for _, t, target in self.rels.get(source, ()) if t.endswith(kind)), None)

    def tree(self, partname: str):
        """A fresh parse of a part (the reference's own trees stay as read)."""
        return etree.fromstring(self.parts[partname], parser())

    # -- the body and its section ---------------------------------------------------------

    def _read_document(self) -> None:
        root = _declaring(self.tree(self.document), PREFIXES)
        body = root.find(f"{_W}body")
        sect = None if body is None else body.find(f"{_W}sectPr")
        if sect is None:
            raise TemplateError(f"Referencedokumentet '{self.name}' mangler sideopsætningen (w:sectPr)")
        try:
            size, margins = sect.find(f"{_W}pgSz"), sect.find(f"{_W}pgMar")
            self.width = _emu(size.get(f"{_W}w")) - _emu(margins.get(f"{_W}left")) - _emu(margins.get(f"{_W}right"))
        except (AttributeError, ValueError):
            raise TemplateError(f"Referencedokumentet '{self.name}' mangler sidestørrelse eller margener") from None
        self._document_root, self._body, self._sect = root, body, sect
        self.story_parts = {}  # "header"/"footer" -> the part of the body section's default one
        rels = {rid: target for rid, _, target in self.rels.get(self.document, ())}
        for where in ("header", "footer"):
            ref = sect.find(f"{_W}{where}Reference[@{_W}type='default']")
            target = None if ref is None else rels.get(ref.get(f"{{{DOC_RELS}}}id"))
            self.story_parts[where] = target if target in self.parts else None

    def variant(self, wanted: tuple[str, ...]) -> dict:
        """The document's text around its body and the stories ``wanted`` ("header", "footer"):
        the reference's own, or new parts when it has none, as python-docx adds them."""
        key = ("variant", wanted)
        if key in self._cache:
            return self._cache[key]
        root = etree.fromstring(_xml(self._document_root), parser())
        body = root.find(f"{_W}body")
        sect = body.find(f"{_W}sectPr")
        rels = list(self.rels.get(self.document, ()))
        parts = {}  # where -> (part name, text before, text after, next picture id, new?)
        for where in wanted:
            partname = self.story_parts[where]
            if partname is not None:
                story = _declaring(self.tree(partname), PREFIXES)
                parts[where] = (partname, *_cleared(story, story), False)
                continue
            taken = set(self.parts) | {p for p, *_ in parts.values()}
            partname = next(f"/word/{where}{n}.xml" for n in range(1, len(taken) + 2)
                            if f"/word/{where}{n}.xml" not in taken)
            rid = next_rid(rels)
            rels.append((rid, f"{DOC_RELS}/{where}", partname))
            reference = etree.Element(f"{_W}{where}Reference", {f"{_W}type": "default", f"{{{DOC_RELS}}}id": rid})
            kinds = ("headerReference",) if where == "header" else ("headerReference", "footerReference")
            later = [c for c in sect if etree.QName(c).localname not in kinds]
            later[0].addprevious(reference) if later else sect.append(reference)
            tag = "hdr" if where == "header" else "ftr"
            declared = " ".join(f'xmlns:{p}="{u}"' for p, u in PREFIXES.items())
            parts[where] = (partname, f"{DECLARATION}<w:{tag} {declared}>", f"</w:{tag}>", 1, True)
        before, after, next_id = _cleared(root, body)
        found = self._cache[key] = {"document": (before, after, next_id), "rels": rels, "stories": parts}
        return found

    # -- styles and numbering ---------------------------------------------------------------

    def _read_styles(self) -> None:
        self.styles_part = self._target(self.document, "/styles")
        self._styles: dict[str, tuple[str, str | None, str | None]] = {}  # name -> (type, id, numId)
        self._defaults: dict[str, str | None] = {}  # type -> id of its default style
        if self.styles_part is None:
            return
        for style in self.tree(self.styles_part).iterfind(f"{_W}style"):
            kind = style.get(f"{_W}type") or "paragraph"
            name = style.find(f"{_W}name")
            num = style.find(f"{_W}pPr/{_W}numPr/{_W}numId")
            if name is not None and name.get(f"{_W}val") not in self._styles:
                self._styles[name.get(f"{_W}val")] = (kind, style.get(f"{_W}styleId"),
                                                      None if num is None else num.get(f"{_W}val"))
            if style.get(f"{_W}default") in ("1", "true", "on"):
                self._defaults[kind] = style.get(f"{_W}styleId")

    def _read_numbering(self) -> None:
        self.numbering = self._target(self.document, "/numbering")
        self._nums: dict[str, str] = {}  # numId -> abstractNumId
        self._numbering_text = None
        if self.numbering is None:
            return
        root = _declaring(self.tree(self.numbering), PREFIXES)
        for num in root.iterfind(f"{_W}num"):
            abstract = num.find(f"{_W}abstractNumId")
            if abstract is not None and num.get(f"{_W}numId", "").isdigit():
                self._nums[str(int(num.get(f"{_W}numId")))] = abstract.get(f"{_W}val")
        cleanup = root.find(f"{_W}numIdMacAtCleanup")
        self._numbering_text = _split(root, root, None if cleanup is None else root.index(cleanup))

    # -- core properties ---------------------------------------------------------------------

    def _read_core(self) -> None:
        root = self.tree(self.core) if self.core is not None else etree.Element(f"{{{CORE_NS['cp']}}}coreProperties")
        root = _declaring(root, CORE_NS)
        self.core_values: dict[str, str] = {}  # Clark tag -> the reference's element as XML text
        for child in list(root):
            if isinstance(child.tag, str):
                self.core_values.setdefault(child.tag, etree.tostring(child, with_tail=False).decode("utf-8"))
                root.remove(child)
        self._core_text = _split(root, root, None)

    # -- language ---------------------------------------------------------------------------

    def language_entries(self, language: str) -> dict[str, tuple]:
        """The styles and settings entries with the document language ``language`` (cached)."""
        key = ("language", language)
        if key not in self._cache:
            self._cache[key] = language_entries(self.parts, self.styles_part, self.settings, language)
        return self._cache[key]

    def state(self) -> dict:
        """What ``_package.Reference`` holds: plain data (marshal can keep it between processes)."""
        return {"name": self.name, "parts": self.parts, "types": self.types, "rels": self.rels,
                "document": self.document, "width": self.width, "story_parts": self.story_parts,
                "styles": self._styles, "defaults": self._defaults, "numbering": self.numbering, "nums": self._nums,
                "numbering_text": self._numbering_text, "settings": self.settings, "styles_part": self.styles_part,
                "media": self.media, "core": self.core, "core_values": self.core_values, "core_text": self._core_text,
                "entries": self.entries, "cache": self._cache}


def language_entries(parts: dict[str, bytes], styles_part: str | None, settings_part: str | None,
                     language: str) -> dict[str, tuple]:
    """The styles and settings entries with the document language ``language``: w:lang in the
    document defaults, w:themeFontLang in the settings."""
    def tree(partname: str):
        return etree.fromstring(parts[partname], parser())

    found = {}
    if styles_part is not None:
        styles = tree(styles_part)
        defaults = _child(styles, "docDefaults", 0)
        r_pr = _child(_child(defaults, "rPrDefault", 0), "rPr", None)
        element = r_pr.find(f"{_W}lang")
        if element is None:
            element = _put(r_pr, "lang", RPR_ORDER)
        element.set(f"{_W}val", language)
        found[styles_part] = _zip.entry(styles_part.lstrip("/"), _xml(styles))
    if settings_part is not None:
        settings = tree(settings_part)
        element = settings.find(f"{_W}themeFontLang")
        if element is None:
            element = _put(settings, "themeFontLang", ("themeFontLang",) + AFTER_THEME_FONT_LANG)
        element.set(f"{_W}val", language)
        found[settings_part] = _zip.entry(settings_part.lstrip("/"), _xml(settings))
    return found


def _child(parent, local: str, index: int | None):
    """The ``w:local`` child of ``parent``, added (at ``index``; None: at the end) if missing."""
    found = parent.find(f"{_W}{local}")
    if found is None:
        found = etree.Element(f"{_W}{local}")
        parent.append(found) if index is None else parent.insert(index, found)
    return found


def _put(parent, local: str, order: tuple[str, ...]):
    """Add an empty ``w:local`` to ``parent`` in schema ``order``; return it."""
    return put(parent, etree.Element(f"{_W}{local}"), [_w(tag) for tag in order])


def put(parent, child, order: list[str]):
    """Put ``child`` into ``parent`` in schema ``order`` (Clark names), replacing a child of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = set(order[order.index(child.tag) + 1:]) if child.tag in order else set(order)
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child
