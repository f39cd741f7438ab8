"""The plan pack's commands: ``plan init``, ``plan defaults`` and ``plan check``."""

from __future__ import annotations

from pathlib import Path

import click

from ._danish import DanishGroup
from .options import force_option, plan_option


@click.group("plan", cls=DanishGroup)
def plan_group() -> None:
    """Lav og kontrollér en lokal planpakke (egne formularer, skabeloner og brevhoved).

    Eksempel: beredskab plan check examples/plans/jobcenter
    """


@plan_group.command("init")
@click.argument("folder", metavar="MAPPE", type=click.Path(path_type=Path))
@force_option
def plan_init_command(folder, force):
    """Skriv en startpakke i MAPPE: plan.yaml, en formular, en skabelon og en README.

    Eksempel: beredskab plan init minplan
    """
    from ..pack.starter import init_pack

    for path in init_pack(folder, force=force):
        click.echo(f"Skrevet: {path}")
    click.echo(f"Ret filerne, og kontrollér pakken med: beredskab plan check {folder}", err=True)


@plan_group.command("defaults")
@click.argument("folder", metavar="MAPPE", type=click.Path(path_type=Path))
@force_option
def plan_defaults_command(folder, force):
    """Kopiér standardplanen til MAPPE: plan.yaml, formularer, skabeloner, reference.docx, eksempelsager og
    skabelonvejledningen (docs/skabeloner.md), så I kan tage udgangspunkt i det rigtige brevhoved.

    Eksempel: beredskab plan defaults minplan
    """
    from ..pack.starter import copy_defaults

    for path in copy_defaults(folder, force=force):
        click.echo(f"Skrevet: {path}")
    click.echo(f"Ret filerne, slet dem, I ikke ændrer, og kontrollér pakken med: beredskab plan check {folder}", err=True)


@plan_group.command("check")
@click.argument("folder", metavar="MAPPE", required=False, type=click.Path(path_type=Path))
@plan_option
def plan_check_command(folder, plan_dir):
    """Kontrollér hele planpakken i MAPPE (eller --plan): filer, formularer, skabeloner og dokumenter.

    Fjerner pakken et felt, et valg, et punkt i handleplanen, et dokument eller et afsnit, som
    et af planens krav bygger på (docs/traceability.md), skrives en advarsel; den ændrer ikke
    exitkoden.

    Eksempel: beredskab plan check examples/plans/jobcenter
    """
    from ..pack.check import check_pack

    if folder is None and plan_dir is None:
        raise click.MissingParameter(param=click.get_current_context().command.params[0])
    report = check_pack(folder or plan_dir)
    for warning in report.warnings:
        click.echo(warning, err=True)
    click.echo(report.summary())
