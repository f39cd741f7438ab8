"""The reference .docx read once per process, as ready zip entries and the lookups documents need.

A document differs from its reference only in the stories it fills (the body,
a header, a footer), its core properties, the numbering restarts of its lists
and the pictures it relates. Everything else (styles, theme, fonts, settings,
the reference's pictures) is serialised and compressed once per reference and
written raw into each new zip. The reference's stories are kept as the text
before and after their content, so a document's XML is put together from
strings. Parts are read with lxml alone: python-docx's import and its package
objects cost more than a document.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from posixpath import dirname, join, normpath, relpath

from lxml import etree

from . import _zip
from ._reference import _PARSER
from ._wml import AFTER_THEME_FONT_LANG, PREFIXES, RPR_ORDER, W_NS, attribute
from ..errors import TemplateError

_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CORE_NS = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
            "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
_CORE_REL = f"{_PKG_RELS}/metadata/core-properties"
_CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
_STORY_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"
_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
#: Extensions python-docx's writer gives a Default content type (opc/spec.py); other parts get an Override.
_DEFAULT_TYPES = frozenset({
    ("bmp", "image/bmp"), ("emf", "image/x-emf"), ("fntdata", "application/x-fontdata"), ("gif", "image/gif"),
    ("jpe", "image/jpeg"), ("jpeg", "image/jpeg"), ("jpg", "image/jpeg"), ("png", "image/png"),
    ("rels", _RELS_TYPE), ("tif", "image/tiff"), ("tiff", "image/tiff"), ("wdp", "image/vnd.ms-photo"),
    ("wmf", "image/x-wmf"), ("xml", "application/xml"),
    ("bin", "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
})
_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_W = f"{{{W_NS}}}"
_UNITS = {"mm": 36000, "cm": 360000, "in": 914400, "pt": 12700, "pc": 152400, "pi": 152400}


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


class Reference:
    """A cleaned reference .docx: ready entries, style ids, list numbering, the text width and stories."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        archive = zipfile.ZipFile(io.BytesIO(data))
        blobs = {f"/{info.filename}": archive.read(info) for info in archive.infolist() if not info.is_dir()}
        types = etree.fromstring(blobs.pop("/[Content_Types].xml"), _PARSER)
        defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{{{_CT_NS}}}Default")}
        overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{{{_CT_NS}}}Override")}
        self.rels: dict[str, list[tuple[str, str, str]]] = {}  # source part ("/": the package) -> (rId, type, target)
        self.parts: dict[str, bytes] = {}
        for partname, blob in blobs.items():
            if partname.endswith(".rels"):
                folder, file = partname.rsplit("/", 1)
                source = join(dirname(folder), file[:-5]) or "/"
                base = dirname(source) or "/"
                self.rels[source] = [(rel.get("Id"), rel.get("Type"), normpath(join(base, rel.get("Target"))))
                                     for rel in etree.fromstring(blob, _PARSER) if rel.get("TargetMode") != "External"]
            else:
                self.parts[partname] = blob
        self.types = {p: overrides.get(p) or defaults.get(p.rsplit(".", 1)[-1].lower()) for p in self.parts}
        self.document = self._target("/", "/officeDocument")
        if self.document is None or self.document not in self.parts:
            raise KeyError("no main document")
        self._trees: dict[str, object] = {}
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

    def _target(self, source: str, kind: str) -> str | None:
        return next((target for _, t, target in self.rels.get(source, ()) if t.endswith(kind)), None)

    def tree(self, partname: str):
        """A fresh parse of a part (the reference's own trees stay as read)."""
        return etree.fromstring(self.parts[partname], _PARSER)

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
            target = None if ref is None else rels.get(ref.get(f"{{{_DOC_RELS}}}id"))
            self.story_parts[where] = target if target in self.parts else None

    def variant(self, wanted: tuple[str, ...]) -> dict:
        """The document's text around its body and the stories ``wanted`` ("header", "footer"):
        the reference's own, or new parts when it has none, as python-docx adds them."""
        key = ("variant", wanted)
        if key in self._cache:
            return self._cache[key]
        root = etree.fromstring(_xml(self._document_root), _PARSER)
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
            rid = _next_rid(rels)
            rels.append((rid, f"{_DOC_RELS}/{where}", partname))
            reference = etree.Element(f"{_W}{where}Reference", {f"{_W}type": "default", f"{{{_DOC_RELS}}}id": rid})
            kinds = ("headerReference",) if where == "header" else ("headerReference", "footerReference")
            later = [c for c in sect if etree.QName(c).localname not in kinds]
            later[0].addprevious(reference) if later else sect.append(reference)
            tag = "hdr" if where == "header" else "ftr"
            declared = " ".join(f'xmlns:{p}="{u}"' for p, u in PREFIXES.items())
            parts[where] = (partname, f"{_DECLARATION}<w:{tag} {declared}>", f"</w:{tag}>", 1, True)
        before, after, next_id = _cleared(root, body)
        found = self._cache[key] = {"document": (before, after, next_id), "rels": rels, "stories": parts}
        return found

    # -- styles and numbering ---------------------------------------------------------------

    def _read_styles(self) -> None:
        self.styles_part = self._target(self.document, "/styles")
        self._styles: dict[str, tuple[str, str | None, str | None]] = {}  # name -> (type, id, numId)
        self._defaults: dict[str, str | None] = {}  # type -> id of its default style
        self._ids: dict[tuple[str, str], str | None] = {}  # (name, type) -> what style_id returns
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

    def _read_numbering(self) -> None:
        self.numbering = self._target(self.document, "/numbering")
        self._nums: dict[str, str] = {}  # numId -> abstractNumId
        if self.numbering is None:
            return
        root = _declaring(self.tree(self.numbering), PREFIXES)
        for num in root.iterfind(f"{_W}num"):
            abstract = num.find(f"{_W}abstractNumId")
            if abstract is not None and num.get(f"{_W}numId", "").isdigit():
                self._nums[str(int(num.get(f"{_W}numId")))] = abstract.get(f"{_W}val")
        cleanup = root.find(f"{_W}numIdMacAtCleanup")
        self._numbering_text = _split(root, root, None if cleanup is None else root.index(cleanup))

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

    # -- language ---------------------------------------------------------------------------

    def language_entries(self, language: str) -> dict[str, tuple]:
        """The styles and settings entries with the document language ``language`` (cached)."""
        key = ("language", language)
        if key not in self._cache:
            found = {}
            if self.styles_part is not None:
                styles = self.tree(self.styles_part)
                defaults = _child(styles, "docDefaults", 0)
                r_pr = _child(_child(defaults, "rPrDefault", 0), "rPr", None)
                element = r_pr.find(f"{_W}lang")
                if element is None:
                    element = _put(r_pr, "lang", RPR_ORDER)
                element.set(f"{_W}val", language)
                found[self.styles_part] = _zip.entry(self.styles_part.lstrip("/"), _xml(styles))
            if self.settings is not None:
                settings = self.tree(self.settings)
                element = settings.find(f"{_W}themeFontLang")
                if element is None:
                    element = _put(settings, "themeFontLang", ("themeFontLang",) + AFTER_THEME_FONT_LANG)
                element.set(f"{_W}val", language)
                found[self.settings] = _zip.entry(self.settings.lstrip("/"), _xml(settings))
            self._cache[key] = found
        return self._cache[key]

    # -- core properties ---------------------------------------------------------------------

    def _read_core(self) -> None:
        root = self.tree(self.core) if self.core is not None else etree.Element(f"{{{_CORE_NS['cp']}}}coreProperties")
        root = _declaring(root, _CORE_NS)
        self.core_values: dict[str, str] = {}  # Clark tag -> the reference's element as XML text
        for child in list(root):
            if isinstance(child.tag, str):
                self.core_values.setdefault(child.tag, etree.tostring(child, with_tail=False).decode("utf-8"))
                root.remove(child)
        self._core_text = _split(root, root, None)

    def core_xml(self, values: dict[str, str]) -> bytes:
        """core.xml with ``values`` (Clark tag -> element text) in place of the reference's."""
        kept = [xml for tag, xml in self.core_values.items() if tag not in values]
        ours = []
        for tag, xml in values.items():
            ns, local = tag[1:].split("}")
            prefix = next(p for p, u in _CORE_NS.items() if u == ns)
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


def _next_rid(rels: list[tuple[str, str, str]]) -> str:
    """python-docx's next relationship id: the first free ``rId<n>``."""
    taken = {rid for rid, *_ in rels}
    return next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)


def rels_xml(source: str, rels: list[tuple[str, str, str]]) -> bytes:
    """A part's relationships (``source`` "/" for the package's) as python-docx writes them."""
    base = dirname(source) or "/"
    items = "".join(f'<Relationship Id="{attribute(rid)}" Type="{attribute(kind)}" '
                    f'Target="{attribute(relpath(target, base))}"/>' for rid, kind, target in rels)
    return f'{_DECLARATION}<Relationships xmlns="{_PKG_RELS}">{items}</Relationships>'.encode("utf-8")


def content_types_xml(types: tuple[tuple[str, str], ...]) -> bytes:
    """``[Content_Types].xml`` for (part name, content type) pairs as python-docx's writer makes it:
    a Default per known extension, an Override per other part, each sorted."""
    defaults = {"rels": _RELS_TYPE, "xml": "application/xml"}
    overrides = {}
    for partname, content_type in types:
        ext = partname.rsplit(".", 1)[-1].lower()
        if (ext, content_type) in _DEFAULT_TYPES:
            defaults[ext] = content_type
        else:
            overrides[partname] = content_type
    items = [f'<Default Extension="{attribute(e)}" ContentType="{attribute(defaults[e])}"/>' for e in sorted(defaults)]
    items += [f'<Override PartName="{attribute(p)}" ContentType="{attribute(overrides[p])}"/>' for p in sorted(overrides)]
    return f'{_DECLARATION}<Types xmlns="{_CT_NS}">{"".join(items)}</Types>'.encode("utf-8")


STORY_TYPE = _STORY_TYPE
CORE_REL, CORE_TYPE = _CORE_REL, _CORE_TYPE
