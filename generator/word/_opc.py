"""The package around a document's XML (Open Packaging Conventions): relationships and content types.

Written as python-docx's writer writes them, so a document's package is the one
python-docx would save.
"""

from __future__ import annotations

from posixpath import dirname, relpath

from ._wml import attribute

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CORE_NS = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
           "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
           "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
CORE_REL = f"{PKG_RELS}/metadata/core-properties"
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
STORY_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
#: Extensions python-docx's writer gives a Default content type (opc/spec.py); other parts get an Override.
DEFAULT_TYPES = frozenset({
    ("bmp", "image/bmp"), ("emf", "image/x-emf"), ("fntdata", "application/x-fontdata"), ("gif", "image/gif"),
    ("jpe", "image/jpeg"), ("jpeg", "image/jpeg"), ("jpg", "image/jpeg"), ("png", "image/png"),
    ("rels", RELS_TYPE), ("tif", "image/tiff"), ("tiff", "image/tiff"), ("wdp", "image/vnd.ms-photo"),
    ("wmf", "image/x-wmf"), ("xml", "application/xml"),
    ("bin", "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
})
DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def next_rid(rels: list[tuple[str, str, str]]) -> str:
    """python-docx's next relationship id: the first free ``rId<n>``."""
    taken = {rid for rid, *_ in rels}
    return next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)


def rels_xml(source: str, rels: list[tuple[str, str, str]]) -> bytes:
    """A part's relationships (``source`` "/" for the package's) as python-docx writes them."""
    base = dirname(source) or "/"
    items = "".join(f'<Relationship Id="{attribute(rid)}" Type="{attribute(kind)}" '
                    f'Target="{attribute(relpath(target, base))}"/>' for rid, kind, target in rels)
    return f'{DECLARATION}<Relationships xmlns="{PKG_RELS}">{items}</Relationships>'.encode("utf-8")


def content_types_xml(types: tuple[tuple[str, str], ...]) -> bytes:
    """``[Content_Types].xml`` for (part name, content type) pairs as python-docx's writer makes it:
    a Default per known extension, an Override per other part, each sorted."""
    defaults = {"rels": RELS_TYPE, "xml": "application/xml"}
    overrides = {}
    for partname, content_type in types:
        ext = partname.rsplit(".", 1)[-1].lower()
        if (ext, content_type) in DEFAULT_TYPES:
            defaults[ext] = content_type
        else:
            overrides[partname] = content_type
    items = [f'<Default Extension="{attribute(e)}" ContentType="{attribute(defaults[e])}"/>' for e in sorted(defaults)]
    items += [f'<Override PartName="{attribute(p)}" ContentType="{attribute(overrides[p])}"/>' for p in sorted(overrides)]
    return f'{DECLARATION}<Types xmlns="{CT_NS}">{"".join(items)}</Types>'.encode("utf-8")
