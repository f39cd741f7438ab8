"""The options several commands share, defined once (``--plan``, ``--out``, ``--force``, ``--set``, ``--today``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ._danish import DanishBadParameter

#: Default output folder (relative to where the command runs).
DEFAULT_OUT = "output"

plan_option = click.option(
    "--plan", "plan_dir", type=click.Path(path_type=Path), envvar="BEREDSKAB_PLAN", default=None,
    help="Mappe med en lokal planpakke (ellers standardplanen). Kan også sættes med BEREDSKAB_PLAN.",
)
out_option = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
    help="Mappe, dokumenterne skrives i (en undermappe pr. sag).",
)
force_option = click.option("--force", is_flag=True, help="Overskriv dokumenter, der allerede findes.")
case_argument = click.argument("case_file", metavar="SAG.json", type=click.Path(path_type=Path))
set_option = click.option(
    "--set", "assignments", multiple=True, metavar="STI=VÆRDI",
    help="Sæt et felt uden at rette i filen (kan gentages), fx --set incident.police.reported=j.",
)
form_argument = click.argument("form", metavar="FORMULAR")
pdf_option = click.option("--pdf", is_flag=True,
                          help="Dan også en arkivbestandig PDF/A-kopi af hvert dokument (kræver LibreOffice).")


def parse_date_option(ctx, param, value):
    """A date option's text as a date (ISO or Danish); None when not given."""
    from ..dates import DateParseError, parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except DateParseError as err:
        raise DanishBadParameter(str(err), ctx=ctx, param=param) from err


def _parse_today(ctx, param, value):
    return date.today() if value is None else parse_date_option(ctx, param, value)


today_option = click.option(
    "--today", callback=_parse_today, metavar="DATO", default=None,
    help="Dagen, frister og overskredne opgaver regnes ud fra (standard: i dag), fx 2026-11-26.",
)


#: ``--today`` for the commands that read a case file: "now" for the whole run, the
#: validation's "not in the future" included; None without it (the clock, named in messages).
run_today_option = click.option(
    "--today", callback=parse_date_option, metavar="DATO", default=None,
    help="Dagen, der er \"i dag\" for hele kørslen: frister, overskredne opgaver og datoer i fremtiden "
         "(standard: i dag), fx 2026-11-26.",
)


def now_of(today: date | None):
    """The moment "not in the future" is judged at: the end of ``--today``, else the clock (None)."""
    from ..dates import end_of_day

    return end_of_day(today) if today is not None else None
