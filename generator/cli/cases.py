"""The register's commands: ``beredskab cases ...``, ``overdue`` and ``stats``.

Thin like every command: parse options, open the register, call one function of
``beredskab.register``, echo the result. Errors are shown by the main group.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from ._danish import DanishCommand, DanishGroup
from .options import force_option, out_option, parse_date_option, plan_option, set_option, today_option

db_option = click.option(
    "--db", "db_path", type=click.Path(path_type=Path), default=None, metavar="FIL",
    help="Registerfilen (ellers BEREDSKAB_DB, ellers din egen fil i brugerdatamappen).",
)
user_option = click.option(
    "--user", "user", default=None, metavar="NAVN",
    help="Hvem der handler; gemmes med hver version og i adgangsloggen (ellers BEREDSKAB_USER eller dit brugernavn).",
)
reason_option = click.option("--reason", default="", metavar="TEKST", help="Kort begrundelse, der gemmes med versionen.")
draft_option = click.option(
    "--draft", is_flag=True, help="Gem en ugyldig sag som kladde med fejlene i stedet for at afvise den.")
case_id_argument = click.argument("case_id", metavar="SAGSNUMMER")


def with_register(func):
    """Give a command ``--db``, ``--plan`` and ``--user`` and call it with the open register."""

    @db_option
    @plan_option
    @user_option
    @functools.wraps(func)
    def command(db_path, plan_dir, user, **kwargs):
        from ..register import Register

        with Register.open(db_path, user=user, plan_dir=plan_dir) as reg:
            return func(reg, **kwargs)

    return command


@click.group("cases", cls=DanishGroup)
def cases_group() -> None:
    """Sagsregistret: alle sager med versioner, kladder, dokumenter og frister i én fil.

    Eksempel: beredskab cases import examples/*.json
    """


@cases_group.command("import")
@click.argument("case_files", metavar="SAG.json...", nargs=-1, required=True, type=click.Path(path_type=Path))
@reason_option
@draft_option
@with_register
def import_command(reg, case_files, reason, draft):
    """Læg sagsfiler i registret: en ny sag, eller en ny version af en sag, der findes.

    En fil hentet med 'cases export' bærer sin version ($version); er sagen gemt af
    en anden siden, afvises filen.

    Alle filerne gemmes, eller ingen af dem: er én fil forkert, gemmes intet.

    Eksempel: beredskab cases import examples/trussel-telefon.json
    """
    from ..register import import_files

    for result in import_files(reg, case_files, reason=reason, draft=draft):
        click.echo(f"{_outcome(result)}: {result.case_id} (version {result.version})")
        for problem in result.problems:
            click.echo(f"  - {problem}")


def _outcome(result) -> str:
    if not result.changed:
        return "Uændret"
    kind = "Ny sag" if result.created else "Ny version"
    return f"{kind}, kladde med {len(result.problems)} fejl" if not result.valid else kind


@cases_group.command("list")
@click.option("--open", "open_only", is_flag=True, help="Kun åbne sager.")
@click.option("--mine", is_flag=True, help="Kun sager, du selv har oprettet.")
@click.option("--json", "as_json", is_flag=True, help="Skriv listen som JSON.")
@today_option
@with_register
def list_command(reg, open_only, mine, as_json, today):
    """Vis sagerne i registret med version, status og næste frist.

    Eksempel: beredskab cases list --open
    """
    from ..register import list_cases

    cases = list_cases(reg, today=today, open_only=open_only, created_by=reg.user if mine else None)
    if as_json:
        click.echo(json.dumps([_summary_json(c) for c in cases], ensure_ascii=False, indent=2))
        return
    if not cases:
        click.echo("Ingen sager i registret.")
        return
    click.echo(f"{'Sag':<16} {'Ver.':>4}  {'Status':<14} {'Næste frist':<12} Oprettet af")
    for c in cases:
        due = c.next_due.isoformat() if c.next_due else "-"
        click.echo(f"{c.id:<16} {c.version:>4}  {_status(c):<14} {due:<12}{' !' if c.overdue else '  '} {c.created_by}")
    overdue = sum(c.overdue for c in cases)
    click.echo(f"{len(cases)} sag(er); {overdue} med overskredet frist.")


def _status(summary) -> str:
    status = "åben" if summary.is_open else "lukket"
    return f"{status}, kladde" if not summary.valid else status


def _summary_json(c) -> dict:
    return {"case_id": c.id, "version": c.version, "open": c.is_open, "draft": not c.valid,
            "next_due": c.next_due.isoformat() if c.next_due else None, "overdue": c.overdue,
            "created_by": c.created_by, "saved_by": c.saved_by, "saved_at": c.saved_at, "closed_at": c.closed_at}


@cases_group.command("show")
@case_id_argument
@click.option("--history", "with_history", is_flag=True, help="Vis også alle versioner: hvem, hvornår og hvorfor.")
@today_option
@with_register
def show_command(reg, case_id, with_history, today):
    """Vis en sag: status, nyeste version og handleplanen (eller kladdens fejl).

    Eksempel: beredskab cases show KME-2026-031 --history
    """
    from ..register import get_case, history, validated
    from ..register.cases import danish_time
    from ..register.documents import documents

    record = get_case(reg, case_id)
    current = record.current
    state = "åben" if record.is_open else f"lukket {danish_time(record.closed_at)} af {record.closed_by}"
    click.echo(f"Sag {record.id} · {state} · oprettet {danish_time(record.created_at)} af {record.created_by}")
    click.echo(f"Version {current.version}, gemt {current.saved_at_text} af {current.saved_by}"
               + (f": {current.reason}" if current.reason else ""))
    if current.draft:
        click.echo(f"Kladde med {len(current.problems)} fejl:")
        for problem in current.problems:
            click.echo(f"  - {problem}")
    else:
        click.echo("")
        for line in reg.engine.check_lines(validated(reg, current), today):
            click.echo(line)
    made = documents(reg, case_id)
    if made:
        click.echo("")
        click.echo("Dokumenter dannet fra registret:")
        for d in made:
            click.echo(f"  {d.file_name} · version {d.version} · {danish_time(d.generated_at)} af {d.generated_by}"
                       f" · SHA-256 {d.sha256[:12]}")
    if with_history:
        click.echo("")
        click.echo("Historik:")
        for v in history(reg, case_id):
            draft = " (kladde)" if v.draft else ""
            click.echo(f"  {v.version:>3}  {v.saved_at_text} af {v.saved_by}{draft}" + (f": {v.reason}" if v.reason else ""))


@cases_group.command("export")
@click.argument("case_id", metavar="SAGSNUMMER", required=False)
@click.option("--version", "version", type=click.IntRange(min=1), default=None, metavar="N",
              help="Hent denne version (ellers den nyeste).")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None, metavar="SAG.json",
              help="Skriv sagen i denne fil (ellers på standardoutput).")
@click.option("--person", default=None, metavar="NAVN",
              help="Hent i stedet alle sager, der nævner personen (til en anmodning om indsigt), som JSON.")
@with_register
def export_command(reg, case_id, version, output, person):
    """Hent en sag fra registret som sagsfil (JSON), eller alle sager om én person (--person).

    Filen kan rettes og lægges tilbage med 'cases import'.

    Eksempel: beredskab cases export KME-2026-031 -o sag.json
    """
    from ..case.model import dump_case
    from ..register import export_case

    if person is not None:
        from ..register.people import export_person

        data = export_person(reg, person)
    elif case_id is None:
        raise click.MissingParameter(param=click.get_current_context().command.params[0])
    else:
        data = export_case(reg, case_id, version)
    _emit(dump_case(data), output)


def _emit(data: bytes, output: Path | None) -> None:
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        from ..output.files import replace_file

        click.echo(f"Skrevet: {replace_file(output, data)}")


@cases_group.command("set")
@case_id_argument
@set_option
@reason_option
@draft_option
@click.option("--base", "base_version", type=click.IntRange(min=1), default=None, metavar="N",
              help="Versionen, ændringen bygger på; er sagen gemt siden, afvises den (ellers den nyeste).")
@with_register
def set_command(reg, case_id, assignments, reason, draft, base_version):
    """Ret felter i en sag og gem resultatet som en ny version.

    Eksempel: beredskab cases set KME-2026-031 --set followup.safetynet_registered_at=2026-11-24
    """
    from ..register import set_fields

    if not assignments:
        raise click.MissingParameter(param_hint="'--set'", param_type="option")
    result = set_fields(reg, case_id, reg.engine.assignments(assignments), reason=reason, draft=draft,
                        base_version=base_version)
    click.echo(f"{_outcome(result)}: {result.case_id} (version {result.version})")
    for problem in result.problems:
        click.echo(f"  - {problem}")


@cases_group.command("generate")
@case_id_argument
@click.option("--doc", "names", multiple=True, metavar="NAVN",
              help="Dan kun dette dokument (kan gentages). Uden --doc dannes alle, der gælder for sagen.")
@click.option("--version", "version", type=click.IntRange(min=1), default=None, metavar="N",
              help="Dan dokumenterne igen fra denne (tidligere) version (ellers den nyeste).")
@out_option
@force_option
@today_option
@with_register
def generate_command(reg, case_id, names, version, out_dir, force, today):
    """Dan en sags dokumenter fra registret; hvert dokument noteres med version og kontrolsum.

    Eksempel: beredskab cases generate KME-2026-031 --out output
    """
    from ..register.documents import generate

    for path in generate(reg, case_id, out_dir, names, version=version, today=today, force=force):
        click.echo(f"Skrevet: {path}")


@cases_group.command("close")
@case_id_argument
@with_register
def close_command(reg, case_id):
    """Luk en sag: dens opgaver vises ikke længere i 'overdue', og opbevaringsfristen begynder.

    Eksempel: beredskab cases close KME-2026-031
    """
    from ..register import close_case
    from ..register.cases import danish_time

    click.echo(f"Lukket: {case_id} ({danish_time(close_case(reg, case_id))})")


@cases_group.command("reopen")
@case_id_argument
@with_register
def reopen_command(reg, case_id):
    """Genåbn en lukket sag.

    Eksempel: beredskab cases reopen KME-2026-031
    """
    from ..register import reopen_case

    reopen_case(reg, case_id)
    click.echo(f"Genåbnet: {case_id}")


@cases_group.command("refresh")
@with_register
def refresh_command(reg):
    """Regn de gemte frister ud igen for alle sager, efter at planpakkens frister eller opgaver er ændret.

    Fristerne regnes ud, når en version gemmes; 'overdue' og 'cases list' læser dem derfra.

    Eksempel: beredskab cases refresh --plan minplan
    """
    from ..register.saving import refresh_tasks

    total, changed = refresh_tasks(reg)
    click.echo(f"Fristerne er regnet ud igen for {total} sag(er); {changed} havde ændrede frister.")


@cases_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Vis kun, hvilke sager der ville blive slettet.")
@today_option
@with_register
def purge_command(reg, dry_run, today):
    """Slet lukkede sager, hvis opbevaringsfrist (plan.yaml: retention_years, standard 5 år) er udløbet.

    Sagen slettes med alle versioner og dokumentnoter; kun sagsnummer og datoer gemmes.

    Eksempel: beredskab cases purge --dry-run
    """
    from ..register.cases import danish_time
    from ..register.retention import purge

    found = purge(reg, today, dry_run=dry_run)
    verb = "Slettes" if dry_run else "Slettet"
    for case in found:
        click.echo(f"{verb}: {case.case_id} (lukket {danish_time(case.closed_at)}, frist {case.expires.isoformat()})")
    tail = "ville blive slettet (intet er slettet)" if dry_run else "er slettet"
    click.echo(f"{len(found)} sag(er) {tail}.")


@cases_group.command("backup")
@click.argument("target", metavar="FIL", type=click.Path(path_type=Path))
@with_register
def backup_command(reg, target):
    """Tag en sikkerhedskopi af hele registret, også mens andre arbejder i det.

    Eksempel: beredskab cases backup sager-2026-12-01.sqlite3
    """
    from ..register.backup import backup

    click.echo(f"Skrevet: {backup(reg, target)}")


@click.command("overdue", cls=DanishCommand)
@today_option
@click.option("--within", type=click.IntRange(min=0), default=0, metavar="DAGE",
              help="Vis også opgaver med frist inden for så mange dage.")
@with_register
def overdue_command(reg, today, within):
    """Vis alle åbne sagers overskredne (og kommende) opgaver, den tidligste frist først.

    Slutter med kode 0, også når noget er overskredet.

    Eksempel: beredskab overdue --within 7
    """
    from ..register.overview import overdue, overdue_lines

    click.echo("\n".join(overdue_lines(overdue(reg, today, within), today, within)))


@click.command("stats", cls=DanishCommand)
@click.option("--year", type=click.IntRange(1900, 2999), default=None, metavar="ÅÅÅÅ",
              help="Året, der tælles (standard: i år).")
@click.option("--from", "start", callback=parse_date_option, default=None, metavar="DATO",
              help="Første dag i perioden (sammen med --to).")
@click.option("--to", "end", callback=parse_date_option, default=None, metavar="DATO",
              help="Sidste dag i perioden (sammen med --from).")
@click.option("--chart", type=click.Path(path_type=Path), default=None, metavar="FIL.png|FIL.svg",
              help="Tegn tallene som diagram i denne fil (PNG eller SVG).")
@click.option("--word", type=click.Path(path_type=Path), default=None, metavar="FIL.docx",
              help="Dan også årsopgørelsen (annual_review) med tabellerne og diagrammet som Word-dokument.")
@click.option("--json", "as_json", is_flag=True, help="Skriv tallene som JSON.")
@with_register
def stats_command(reg, year, start, end, chart, word, as_json):
    """Tal til årsopgørelsen: hændelser efter type, kontaktform, udøver, afdeling og måned, sygefravær og politianmeldelser.

    Eksempel: beredskab stats --year 2026 --chart vold-2026.png --word aarsopgoerelse-2026.docx
    """
    from ..register.stats import period, stats, stats_lines

    first, last = period(year, start, end, today=reg.now().date())
    result = stats(reg, first, last)
    if chart is not None:
        from ..output.files import replace_file
        from ..register.chart import chart_format, draw

        written = replace_file(chart, draw(result, chart_format(chart.suffix)))
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(stats_lines(result)))
    if chart is not None:
        click.echo(f"Skrevet: {written}", err=as_json)
    if word is not None:
        from ..output.files import replace_file
        from ..register.report import annual_review

        click.echo(f"Skrevet: {replace_file(word, annual_review(reg, result))}", err=as_json)
