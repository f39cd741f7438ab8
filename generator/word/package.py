"""Copy, zip and add pictures to a python-docx package: what ``_oxml`` does for the parts as a whole.

The reference is parsed once per process and each document starts from a copy
(``package_copy``); the finished package becomes .docx bytes in one pass
(``package_bytes``, with ``_zip``); a logo is read once per process
(``pic_inline``). Each does what python-docx would (``copy.deepcopy``,
``Document.save``, ``new_pic_inline``), with the same result, in less time,
through python-docx's public names only (issue 19: its private writer and image
lookups bought under 1 % of a batch run each).
"""

from __future__ import annotations

import copy
import os
from functools import lru_cache
from io import BytesIO

from docx.document import Document
from docx.image.image import Image
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.oxml import CT_Types, serialize_part_xml
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.spec import default_content_types
from docx.oxml.shape import CT_Inline
from lxml import etree

from . import _zip


def package_copy(document: Document) -> Document:
    """Return an independent copy of ``document`` and its package (every part, relation and blob).

    Copying the parsed parts costs a fraction of reading the .docx again, so the
    reference is read once per process and each new document starts from a copy.
    What ``copy.deepcopy`` does, in a third of its time: python-docx's package is
    plain objects, dicts, lists and lxml trees; anything else goes to ``deepcopy``.
    """
    return _deep(document, {})


_IMMUTABLE = (str, bytes, int, float, type(None), type)  # str: also python-docx's PackURI


def _deep(x, memo: dict):
    """A deep copy of ``x`` sharing what is immutable; ``memo`` maps id -> copy, as deepcopy's."""
    if isinstance(x, _IMMUTABLE):
        return x
    found = memo.get(id(x))
    if found is not None:
        return found
    cls = type(x)
    if isinstance(x, etree._Element):
        y = copy.copy(x)  # lxml copies the whole tree
    elif cls is list:
        y = memo[id(x)] = []
        y.extend(_deep(item, memo) for item in x)
    elif _plain(cls):
        y = memo[id(x)] = cls.__new__(cls)
        if isinstance(x, dict):
            for key, value in x.items():
                y[_deep(key, memo)] = _deep(value, memo)
        if hasattr(x, "__dict__"):
            y.__dict__.update((key, _deep(value, memo)) for key, value in x.__dict__.items())
    else:
        y = copy.deepcopy(x, memo)
    memo[id(x)] = y
    return y


_PLAIN_CLASSES: dict[type, bool] = {}


def _plain(cls: type) -> bool:
    """Whether deepcopy would copy instances of ``cls`` as its dict items and ``__dict__``:
    a dict or a plain class (no slots, no copy or pickle hooks of its own)."""
    if cls not in _PLAIN_CLASSES:
        _PLAIN_CLASSES[cls] = (
            (cls is dict or not issubclass(cls, (list, set, tuple, etree._Element)))
            and all(not c.__dict__.get("__slots__") for c in cls.__mro__)
            and (issubclass(cls, dict) or "__dict__" in dir(cls))
            and getattr(cls, "__deepcopy__", None) is None and getattr(cls, "__setstate__", None) is None
            and getattr(cls, "__getstate__", None) is getattr(object, "__getstate__", None)
            and cls.__reduce_ex__ is object.__reduce_ex__ and cls.__reduce__ is object.__reduce__
            and cls.__new__ in (object.__new__, dict.__new__)
        )
    return _PLAIN_CLASSES[cls]


def package_bytes(document: Document) -> bytes:
    """Return the .docx bytes of ``document``, zip entries with a fixed time (reproducible).

    What ``Document.save`` does, in one pass: python-docx's writer stamps every
    entry with the current time, so saving and re-zipping would compress twice.
    """
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    types = tuple((part.partname, part.content_type) for part in parts)
    entries = [(CONTENT_TYPES_URI.membername, _cached(types, lambda: _content_types_xml(types))),
               (PACKAGE_URI.rels_uri.membername, _rels_xml(PACKAGE_URI, package.rels))]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, _rels_xml(part.partname, part.rels)))
    return _zip.archive(entries)


def _content_types_xml(types: tuple) -> bytes:
    """``[Content_Types].xml`` for (part name, content type) pairs, as python-docx's writer makes it:
    a Default per known extension, an Override per other part, each sorted."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides = {}
    for partname, content_type in types:
        ext = partname.ext.lower()
        if (ext, content_type) in default_content_types:
            defaults[ext] = content_type
        else:
            overrides[partname] = content_type
    element = CT_Types.new()
    for ext in sorted(defaults):
        element.add_default(ext, defaults[ext])
    for partname in sorted(overrides):
        element.add_override(partname, overrides[partname])
    return serialize_part_xml(element)


# The content types and relationships of documents from one reference are mostly the same;
# python-docx builds their XML through a parse per relationship, so they are kept by content.
_XML_CACHE: dict[tuple, bytes] = {}


def _rels_xml(source, rels) -> bytes:
    """``rels.xml`` (relationships from the part named ``source``), from the cache when it was seen."""
    key = (source, tuple((rel.rId, rel.reltype, rel.is_external,
                          rel.target_ref if rel.is_external else rel.target_part.partname) for rel in rels.values()))
    return _cached(key, lambda: rels.xml)


def _cached(key: tuple, make) -> bytes:
    found = _XML_CACHE.get(key)
    if found is None:
        if len(_XML_CACHE) >= 64:
            _XML_CACHE.clear()
        found = _XML_CACHE[key] = make()
    return found


def pic_inline(part, path: str, height: int, max_pixels: int):
    """Return a wp:inline of the picture file ``path``, ``height`` high, related from ``part``.

    What python-docx's ``new_pic_inline`` does, but the file is read, parsed and
    hashed once per process while it is unchanged, not once per document. A picture
    declaring more than ``max_pixels`` either way is refused (ValueError).
    """
    stat = os.stat(path)
    image = _image(path, stat.st_mtime_ns, stat.st_size)
    if not (0 < image.px_width <= max_pixels and 0 < image.px_height <= max_pixels):
        raise ValueError("picture dimensions")
    rId, _ = part.get_or_add_image(BytesIO(image.blob))  # the same picture is one part, found by its hash
    cx, cy = image.scaled_dimensions(None, height)
    key = (part.next_id, rId, image.filename, cx, cy)
    prototype = _INLINE_PROTOTYPES.get(key)
    if prototype is None:  # python-docx builds it from a string, through its proxies
        if len(_INLINE_PROTOTYPES) >= 64:
            _INLINE_PROTOTYPES.clear()
        prototype = _INLINE_PROTOTYPES[key] = CT_Inline.new_pic_inline(*key)
    return prototype.__copy__()


_INLINE_PROTOTYPES: dict[tuple, object] = {}


@lru_cache(maxsize=16)
def _image(path: str, mtime_ns: int, size: int) -> Image:
    """The image in file ``path`` (read-only: documents share it), cached while the file is unchanged."""
    return Image.from_file(path)
