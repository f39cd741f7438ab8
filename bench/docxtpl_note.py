"""The incident note as a docxtpl template: build the .docx template and its context.

The benchmark's baseline. ``build_template`` writes, with python-docx, a .docx
on the same reference document (same styles, letterhead and footer) holding
``{{ }}`` placeholders, ``{%tr for %}`` table rows and ``{%p for %}`` paragraph
loops, so docxtpl renders the same content as beredskab's incident note.
``context`` turns a validated case into the flat values that template needs,
formatted with beredskab's own filters (dates, labels), once, outside the timing:
docxtpl gets the easier job.

Run as a script to write the template: ``python bench/docxtpl_note.py OUT.docx``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from docx import Document
from docx.shared import Mm

from beredskab.word import oxml

from beredskab import dates
from beredskab.render.renderer import yes_no

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "templates" / "reference.docx"
LOGO = ROOT / "templates" / "logo.png"


def build_template(out: Path, reference: Path = REFERENCE) -> Path:
    """Write the docxtpl template of the incident note to ``out``."""
    document = Document(str(reference))
    section = document.sections[-1]
    header = section.header
    oxml.block_items_clear(header)
    header.add_paragraph().add_run().add_picture(str(LOGO), height=Mm(15))
    header.add_paragraph("{{ organisation }}", style="Beredskab Brevhoved")
    header.add_paragraph("{{ unit }} · {{ workplace }}", style="Header")
    header.add_paragraph("{{ confidential }}", style="Beredskab Fortrolig")
    footer = section.footer
    oxml.block_items_clear(footer)
    line = footer.add_paragraph("{{ title }} · Sag {{ case_id }} · Side ", style="Footer")
    oxml.fld_simple(line, "PAGE")
    line.add_run(" af ")
    oxml.fld_simple(line, "NUMPAGES")

    oxml.block_items_clear(document)
    document.add_paragraph("{{ workplace }}, {{ note_date }}", style="Beredskab Dato")
    document.add_paragraph("{{ title }}", style="Heading 1")
    _fields(document, "facts")
    document.add_paragraph("Hændelsesforløb", style="Heading 2")
    _loop(document, "para in description", "{{ para }}")
    document.add_paragraph("{%p if warning_signs %}")
    document.add_paragraph("Varselstegn", style="Heading 3")
    _loop(document, "para in warning_signs", "{{ para }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("Handlinger under hændelsen", style="Heading 2")
    document.add_paragraph("Planens handlinger, når en situation bliver truende:")
    _loop(document, "item in actions", "{{ item.box }} {{ item.text }}")
    document.add_paragraph("Skader og sygefravær", style="Heading 2")
    _fields(document, "injuries")
    document.add_paragraph("Underretning og opfølgning", style="Heading 2")
    _fields(document, "notified")
    document.add_paragraph("Politi", style="Heading 2")
    document.add_paragraph("{%p if police %}")
    _fields(document, "police")
    document.add_paragraph("{%p else %}")
    document.add_paragraph("Hændelsen er ikke anmeldt til politiet. Et notat til personalesagen kan dokumentere "
                           "episoden til brug for en eventuel arbejdsskade- eller erstatningssag.")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p if support %}")
    document.add_paragraph("Støtte og hjælp", style="Heading 2")
    _fields(document, "support")
    document.add_paragraph("Tilbudt støtte", style="Heading 3")
    _loop(document, "item in offered", "{{ item.box }} {{ item.text }}{{ item.accepted }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("Underskrift", style="Heading 2")
    document.add_paragraph()
    document.add_paragraph("{{ author_name }}", style="Beredskab Underskrift")
    document.add_paragraph("{{ author_title }}", style="Beredskab Underskrift")
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out


def _fields(document, name: str) -> None:
    """A two-column field table whose rows come from ``{%tr for row in name %}``."""
    document.add_paragraph()  # keeps two tables apart, as beredskab does
    table = document.add_table(rows=3, cols=2)
    table.style = document.styles["Beredskab Felter"]
    table.cell(0, 0).text = f"{{%tr for row in {name} %}}"
    table.cell(1, 0).text = "{{ row.label }}"
    table.cell(1, 1).text = "{{ row.value }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    table.cell(1, 0).paragraphs[0].runs[0].bold = True


def _loop(document, head: str, body: str) -> None:
    document.add_paragraph(f"{{%p for {head} %}}")
    document.add_paragraph(body)
    document.add_paragraph("{%p endfor %}")


def context(engine, case: dict, today: date) -> dict:
    """The values of the docxtpl template for ``case``, formatted as beredskab formats them."""
    incident, support = case["incident"], case.get("support") or {}
    settings, choices = engine.settings, engine.forms.choices
    label = engine.forms.label
    when = dates.long_datetime

    def rows(pairs):
        return [{"label": k, "value": v} for k, v in pairs]

    occurred = incident["occurred_at"]
    perpetrator = incident["perpetrator"]
    police = incident.get("police") or {}
    leader = incident.get("leader_notified") or {}
    return {
        "organisation": settings.get("organisation"), "unit": settings.get("unit"),
        "workplace": settings.get("workplace"), "confidential": settings["texts"]["confidential"],
        "title": engine.documents()["incident_note"]["title"], "case_id": incident["case_id"],
        "note_date": dates.long_date(incident["note_date"]),
        "facts": rows([
            ("Sagsnummer", incident["case_id"]),
            ("Tidspunkt", when(occurred["start"]) + (f" til {when(occurred['end'])}" if occurred.get("end") else "")),
            ("Sted", incident["location"]),
            ("Kontaktform", label("channel", incident["channel"])),
            ("Type af hændelse", ", ".join(label("incident_type", t) for t in incident["incident_types"])),
            ("Udøver", label("perpetrator_kind", perpetrator["kind"]) + (f": {perpetrator['name']}" if perpetrator.get("name") else "")),
            ("Berørte medarbejdere", "; ".join(f"{e['name']}, {e['job_title']}" for e in incident["affected_employees"])),
            ("Vidner", "; ".join(w["name"] for w in incident.get("witnesses") or []) or "Ingen"),
            ("Notatet er skrevet af", f"{incident['note_author']['name']}, {incident['note_author']['title']}"),
            ("Notatets dato", dates.long_date(incident["note_date"])),
        ]),
        "description": [p for p in incident["description"].split("\n\n") if p.strip()],
        "warning_signs": [p for p in (incident.get("warning_signs") or "").split("\n\n") if p.strip()],
        "actions": [{"box": "☒" if key in incident.get("actions_taken", []) else "☐", "text": text}
                    for key, text in choices["action_taken"].items()],
        "injuries": rows([row for e in incident["affected_employees"] for row in (
            ("Fysiske skader", (e.get("injuries") or {}).get("physical") or "Ikke oplyst"),
            ("Psykiske reaktioner", (e.get("injuries") or {}).get("psychological") or "Ikke oplyst"),
            ("Sygefravær", yes_no((e.get("sick_leave") or {}).get("has_leave"))),
        )]),
        "notified": rows([
            ("Nærmeste leder kontaktet", f"{leader.get('name') or ''}, {when(leader.get('at'))}"),
            ("Berørte medarbejdere samlet", when(incident.get("employees_gathered_at")) or "Ikke oplyst"),
            ("Sikkerhedsorganisationen orienteret", when(incident.get("safety_organisation_informed_at")) or "Ikke oplyst"),
            ("Opfølgende samtale (debriefing)", when(incident.get("debriefing_at")) or "Ikke oplyst"),
        ]),
        "police": rows([("Anmeldt til politiet", "Ja")]) if police.get("reported") else [],
        "support": rows([
            ("Behovet vurderet i fællesskab", yes_no(support.get("assessed_jointly"))),
            ("Taler med medarbejderen", ", ".join(label("talk_partner", t) for t in support.get("talks_with_employee") or [])),
        ]) if support else [],
        "offered": [{"box": "☒" if key in support.get("offered", []) else "☐", "text": text,
                     "accepted": " – taget imod" if key in support.get("accepted", []) else ""}
                    for key, text in choices["support_option"].items()],
        "author_name": incident["note_author"]["name"], "author_title": incident["note_author"]["title"],
        "today": dates.long_date(today),
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/docxtpl_note.py OUT.docx")
    print(build_template(Path(sys.argv[1])))
