"""The python-docx internals the Word writer builds on are still there and behave: fail loudly,
naming python-docx, if one is gone (setup.cfg pins python-docx below the next minor version).

``word/package.py`` copies the parsed reference package itself (a third of ``copy.deepcopy``'s
time) and zips it in one pass, so it relies on the package's object structure and on
``docx.opc`` modules that are not python-docx's documented API.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx import Document

from beredskab.engine import REFERENCE_NAME, Engine
from beredskab.word.package import package_bytes, package_copy

VERSION = f"python-docx {docx.__version__}"


@pytest.mark.parametrize("module, name", [
    ("docx.opc.oxml", "CT_Types"),
    ("docx.opc.oxml", "serialize_part_xml"),
    ("docx.opc.spec", "default_content_types"),
    ("docx.opc.packuri", "CONTENT_TYPES_URI"),
    ("docx.opc.packuri", "PACKAGE_URI"),
    ("docx.oxml.shape", "CT_Inline"),
    ("docx.image.image", "Image"),
    ("docx.opc.part", "Part"),
])
def test_docx_internal_names_the_writer_imports_exist(module, name):
    imported = __import__(module, fromlist=[name])
    assert hasattr(imported, name), f"{VERSION}: {module}.{name} is gone (beredskab.word.package uses it)"


def test_docx_parts_still_marshal_and_know_their_names():
    reference = Document(str(Engine.load().pack.find_asset(REFERENCE_NAME)))
    for part in reference.part.package.parts:
        for attribute in ("before_marshal", "partname", "content_type", "blob", "rels"):
            assert hasattr(part, attribute), f"{VERSION}: Part.{attribute} is gone (package_bytes uses it)"


def test_docx_package_copy_is_independent_and_zips_to_a_document_python_docx_reads():
    reference = Document(str(Engine.load().pack.find_asset(REFERENCE_NAME)))
    copy = package_copy(reference)
    copy.add_paragraph("Kun i kopien")
    assert "Kun i kopien" not in [p.text for p in reference.paragraphs], f"{VERSION}: the copy shares its tree"
    data = package_bytes(copy)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert "Kun i kopien" in [p.text for p in Document(io.BytesIO(data)).paragraphs], (
        f"{VERSION}: the package written by package_bytes no longer reads back")
