"""Take from a pack's reference.docx only what a letterhead needs; drop the rest and say what.

Every document is a copy of the reference, so whatever the reference carries
reaches every output. A pack's reference is untrusted: it could carry an
attached template on a remote address, external hyperlinks and pictures, an
``INCLUDEPICTURE`` field fetching a URL when the letter is opened, a first-page
header replacing the letterhead, custom properties, customXml, macros or a
2 GB part. What is kept: styles, numbering, theme, fonts (and their embedded
files), settings (without attached template, mail merge or document variables),
the headers and footers of the body's section with their pictures, and the core
properties (overwritten for each document). Everything else is dropped with a
Danish line for ``plan check``; no external relationship is ever kept.

Sizes are checked from the zip directory before anything is inflated (a zip
bomb is refused, not unpacked), and every XML part is parsed without DTDs,
entities or network (an XXE reference is refused).
"""

from __future__ import annotations

import io
import re
from posixpath import dirname, join, normpath

from functools import cache

from ..errors import TemplateError

#: Largest part of a reference (uncompressed); a logo or a theme is well under it.
MAX_PART_BYTES = 5_000_000

#: Largest reference altogether (uncompressed), and most parts.
MAX_TOTAL_BYTES = 20_000_000
MAX_PARTS = 200

_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

#: Relationship types (last segment) a letterhead needs; anything else is dropped.
_KEPT_RELATIONS = frozenset({
    "officeDocument", "core-properties", "styles", "numbering", "theme", "fontTable", "settings",
    "header", "footer", "image", "font",
})

#: Parts (by name pattern) that may be kept when a kept relationship points at them. The patterns
#: are compiled on first use (``re`` keeps them): a document whose reference is cached never needs them.
_KEPT_PARTS = (
    r"\[Content_Types\]\.xml|_rels/\.rels|docProps/core\.xml|word/(document|styles|numbering|fontTable|settings)\.xml"
    r"|word/theme/theme\d*\.xml|word/(header|footer)\d*\.xml|word/media/[^/]+|word/fonts/[^/]+"
    r"|word/(_rels/)?[^/]+\.rels|word/theme/_rels/[^/]+\.rels"
)

#: Field codes that fetch or show something from outside the document.
_OUTSIDE_FIELDS = (r"(?i)^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT|HYPERLINK|AUTOTEXT|"
                   r"DATABASE|MERGEFIELD|DOCVARIABLE|MACROBUTTON|GOTOBUTTON)\b")

#: Settings that point outside the document or carry data.
_DROPPED_SETTINGS = ("attachedTemplate", "mailMerge", "docVars", "saveThroughXslt", "evenAndOddHeaders")



@cache
def parser():
    """The XML parser for a reference's parts: no DTDs, entities or network.

    lxml is imported here, when a reference is read, not with the module: a
    reference read before comes from the cache (``_package.load``) without it.
    """
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=False)


def clean_reference(data: bytes, name: str = "reference.docx") -> tuple[bytes, list[str]]:
    """Return the reference ``data`` with only what a letterhead needs, and a Danish line per thing dropped.

    Raise TemplateError (one Danish line) when it is not a .docx, too large, or holds a DTD.
    """
    import zipfile

    from lxml import etree

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise TemplateError(f"referencedokumentet '{name}' kan ikke åbnes som .docx") from err
    kept = [i for i in infos if not i.is_dir() and re.fullmatch(_KEPT_PARTS, i.filename)]
    dropped = [i.filename for i in infos if not i.is_dir() and not re.fullmatch(_KEPT_PARTS, i.filename)]
    # Sizes from the zip directory, before anything is inflated; a dropped part is never inflated.
    if len(infos) > MAX_PARTS or sum(i.file_size for i in kept) > MAX_TOTAL_BYTES \
            or any(i.file_size > MAX_PART_BYTES for i in kept):
        raise TemplateError(f"referencedokumentet '{name}' er for stort (højst {MAX_PART_BYTES // 1_000_000} MB "
                            f"pr. del og {MAX_TOTAL_BYTES // 1_000_000} MB i alt)")
    parts: dict[str, bytes] = {}
    for info in kept:
        try:
            parts[info.filename] = archive.read(info)
        except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, RuntimeError) as err:
            raise TemplateError(f"referencedokumentet '{name}' kan ikke åbnes som .docx") from err
    warnings = [f"referencedokumentet '{name}': delen {part} er fjernet (kun typografier, nummerering, tema, "
                f"skrifttyper, indstillinger, sidehoved, sidefod og billeder bruges)" for part in dropped]
    trees = {part: _parse(blob, part, name) for part, blob in parts.items() if _is_xml(part)}
    if "word/document.xml" in trees:
        _clean_sections(trees["word/document.xml"], name, warnings)
    _clean_relationships(trees, parts, name, warnings)
    _drop_unreached(trees, parts)
    for part, tree in trees.items():
        if part == "word/settings.xml":
            _clean_settings(tree, name, warnings)
        if part.startswith(("word/header", "word/footer", "word/document")):
            _clean_fields(tree, part, name, warnings)
    _clean_content_types(trees, parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result:
        for part in parts:
            blob = etree.tostring(trees[part], xml_declaration=True, encoding="UTF-8", standalone=True) \
                if part in trees else parts[part]
            result.writestr(zipfile.ZipInfo(part, (1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
    return out.getvalue(), warnings


def _is_xml(part: str) -> bool:
    return part.endswith((".xml", ".rels"))


def _parse(blob: bytes, part: str, name: str):
    if b"<!DOCTYPE" in blob[:4096].upper() or b"<!ENTITY" in blob.upper():
        raise TemplateError(f"referencedokumentet '{name}' indeholder en DTD eller entiteter i {part}; "
                            "det tillades ikke")
    from lxml import etree

    try:
        return etree.fromstring(blob, parser())
    except etree.XMLSyntaxError as err:
        raise TemplateError(f"referencedokumentet '{name}' har ugyldig XML i {part}") from err


def _rels_source(rels_part: str) -> str:
    """``word/_rels/document.xml.rels`` -> ``word/document.xml``; ``_rels/.rels`` -> the package."""
    folder, file = rels_part.rsplit("/", 1) if "/" in rels_part else ("", rels_part)
    return join(dirname(folder), file[: -len(".rels")])


def _clean_relationships(trees: dict, parts: dict, name: str, warnings: list[str]) -> None:
    """Drop external relationships, relationships of types a letterhead does not need and ones whose
    target part was dropped; then remove every reference to a dropped relationship id."""
    for rels_part in [p for p in trees if p.endswith(".rels")]:
        source = _rels_source(rels_part)
        removed: set[str] = set()
        for rel in list(trees[rels_part]):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External":
                why = f"en ekstern henvisning ({kind}) er fjernet"
            elif kind not in _KEPT_RELATIONS:
                why = f"en henvisning af typen {kind} er fjernet"
            elif normpath(join(dirname(source), target)).lstrip("/") not in parts:
                why = None  # a part dropped above (already reported) or missing
            elif kind in ("header", "footer") and source == "word/document.xml" \
                    and rel.get("Id") not in _section_ids(trees[source]):
                why = None  # a first-page or even-page header, already reported
            else:
                continue
            if why:
                warnings.append(f"referencedokumentet '{name}': {why}")
            removed.add(rel.get("Id"))
            trees[rels_part].remove(rel)
        if removed and source in trees:
            for element in trees[source].iter():
                for attribute in [a for a in element.attrib if a.startswith(f"{{{_DOC_REL}}}")]:
                    if element.get(attribute) in removed:
                        del element.attrib[attribute]


def _section_ids(document) -> set[str]:
    """The relationship ids of the headers and footers the document's sections use."""
    return {ref.get(f"{{{_DOC_REL}}}id") for tag in ("headerReference", "footerReference")
            for ref in document.iter(f"{{{_W}}}{tag}")}


def _drop_unreached(trees: dict, parts: dict) -> None:
    """Remove every part no kept relationship leads to (and its own relationships)."""
    reached = {"[Content_Types].xml", "_rels/.rels"}
    pending = ["_rels/.rels"]
    while pending:
        rels_part = pending.pop()
        source = _rels_source(rels_part)
        for rel in trees.get(rels_part, ()):
            if rel.get("TargetMode") == "External":
                continue
            target = normpath(join(dirname(source), rel.get("Target") or "")).lstrip("/")
            if target in parts and target not in reached:
                reached.add(target)
                folder, file = dirname(target), target.rsplit("/", 1)[-1]
                own_rels = join(folder, "_rels", f"{file}.rels")
                if own_rels in parts:
                    reached.add(own_rels)
                    pending.append(own_rels)
    for part in [p for p in parts if p not in reached]:
        del parts[part]
        trees.pop(part, None)


def _clean_settings(tree, name: str, warnings: list[str]) -> None:
    for tag in _DROPPED_SETTINGS:
        for element in tree.findall(f"{{{_W}}}{tag}"):
            tree.remove(element)
            warnings.append(f"referencedokumentet '{name}': indstillingen {tag} er fjernet")


def _clean_sections(tree, name: str, warnings: list[str]) -> None:
    """Keep only the default header and footer: a first-page or even-page one would replace the letterhead."""
    for sect in tree.iter(f"{{{_W}}}sectPr"):
        for element in list(sect):
            local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            if local == "titlePg" or (local in ("headerReference", "footerReference")
                                      and element.get(f"{{{_W}}}type") in ("first", "even")):
                sect.remove(element)
                warnings.append(f"referencedokumentet '{name}': et særligt sidehoved eller en sidefod "
                                "til første side eller lige sider er fjernet")


def _clean_fields(tree, part: str, name: str, warnings: list[str]) -> None:
    """Remove fields that fetch something from outside (INCLUDEPICTURE to a URL, LINK, DDE ...)."""
    for simple in list(tree.iter(f"{{{_W}}}fldSimple")):
        if re.match(_OUTSIDE_FIELDS, simple.get(f"{{{_W}}}instr") or ""):
            simple.getparent().remove(simple)
            warnings.append(f"referencedokumentet '{name}': et felt, der henter indhold udefra, er fjernet ({part})")
    for instr in list(tree.iter(f"{{{_W}}}instrText")):
        if re.match(_OUTSIDE_FIELDS, instr.text or ""):
            instr.text = ""
            warnings.append(f"referencedokumentet '{name}': et felt, der henter indhold udefra, er fjernet ({part})")


def _clean_content_types(trees: dict, parts: dict) -> None:
    types = trees.get("[Content_Types].xml")
    if types is None:
        return
    for override in list(types.findall(f"{{{_CT_NS}}}Override")):
        if (override.get("PartName") or "").lstrip("/") not in parts:
            types.remove(override)
