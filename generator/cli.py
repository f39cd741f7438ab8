"""The command line: parse arguments, call the engine, show results and errors in Danish.

Commands stay thin: each parses its options, calls one library function and
echoes the result. Errors are shown in one place, :meth:`BeredskabGroup.main`:
one ``Fejl: ...`` line per problem on stderr, and the error's exit code
(0 ok, 1 environment or internal error, 2 bad input or usage).
"""

from __future__ import annotations

import sys
import traceback
from datetime import date
from pathlib import Path

import click

from . import __version__
from .errors import BeredskabError

#: Default output folder (relative to where the command runs).
DEFAULT_OUT = "output"


class DanishHelpFormatter(click.HelpFormatter):
    """Click's help layout with Danish headings."""

    HEADINGS = {"Options": "Tilvalg", "Commands": "Kommandoer", "Arguments": "Argumenter"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args.replace("[OPTIONS]", "[TILVALG]").replace("COMMAND", "KOMMANDO"),
                            prefix="Brug: " if prefix is None else prefix)

    def section(self, name: str):
        return super().section(self.HEADINGS.get(name, name))


class DanishContext(click.Context):
    formatter_class = DanishHelpFormatter


class DanishCommand(click.Command):
    """A command whose help option speaks Danish."""

    context_class = DanishContext

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Vis denne hjælp og afslut."
        return option


def danish_usage_error(err: click.UsageError) -> str:
    """Danish text for click's usage errors (click's own texts are English)."""
    if isinstance(err, click.NoSuchOption):
        hint = f"; mente du {' eller '.join(err.possibilities)}?" if err.possibilities else ""
        return f"ukendt tilvalg {err.option_name}{hint}"
    if isinstance(err, click.MissingParameter):
        name = err.param.human_readable_name if err.param else "en værdi"
        return f"mangler {name}"
    if isinstance(err, click.BadParameter):
        name = err.param.human_readable_name if err.param else "en værdi"
        return f"ugyldig værdi for {name}"
    if isinstance(err, click.BadOptionUsage):
        return f"tilvalget {err.option_name} kræver en værdi"
    if err.message.startswith("No such command"):
        return f"ukendt kommando {err.message.split(' ', 3)[-1].rstrip('.')}"
    if err.message.startswith("Got unexpected extra argument"):
        return "for mange argumenter"
    return "forkert brug af kommandoen"


class BeredskabGroup(click.Group):
    """The ``beredskab`` command group; the one place errors are shown."""

    command_class = DanishCommand
    context_class = DanishContext

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Vis denne hjælp og afslut."
        return option

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        argv = list(sys.argv[1:] if args is None else args)
        try:
            result = super().main(argv, prog_name or "beredskab", complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except BeredskabError as err:
            for line in err.lines():
                click.echo(f"Fejl: {line}", err=True)
            code = err.exit_code
        except click.UsageError as err:
            click.echo(f"Fejl: {danish_usage_error(err)}", err=True)
            click.echo("Se 'beredskab --help' for hjælp.", err=True)
            code = 2
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo("Afbrudt.", err=True)
            code = 1
        except click.ClickException as err:
            click.echo(f"Fejl: {err.format_message()}", err=True)
            code = err.exit_code
        except Exception:  # noqa: BLE001 - the last line of defence: no traceback for users
            if "--debug" in argv:
                click.echo("".join(traceback.format_exc()), err=True)
            click.echo("Fejl: intern fejl i beredskab; kør igen med --debug og kontakt support", err=True)
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


# --- shared options, defined once -------------------------------------------------

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


def _engine(plan_dir):
    from .engine import Engine  # loaded per command, so `--help` stays fast

    return Engine.load(plan_dir)


@click.group("beredskab", cls=BeredskabGroup)
@click.option("--debug", is_flag=True, help="Vis tekniske detaljer ved interne fejl (aldrig sagens data).")
@click.version_option(__version__, "--version", message="beredskab %(version)s", help="Vis versionen og afslut.")
def cli(debug: bool) -> None:
    """beredskab: formularer og Word-dokumenter til beredskabsplanen mod vold og krænkende handlinger.

    Eksempel: beredskab generate examples/trussel-telefon.json
    """


@cli.command("forms")
@plan_option
def forms_command(plan_dir):
    """Vis formularerne og dokumenterne i planpakken.

    Eksempel: beredskab forms
    """
    engine = _engine(plan_dir)
    click.echo("Formularer (sektioner i en sagsfil):")
    for section in engine.forms.sections:
        click.echo(f"  {section:<22} {engine.forms.title(section)}: {engine.forms.description(section)}")
    click.echo("Dokumenter:")
    for name, meta in engine.documents().items():
        click.echo(f"  {name:<22} {meta.get('title', name)}: {meta.get('description', '')}")


@cli.command("validate")
@case_argument
@plan_option
def validate_command(case_file, plan_dir):
    """Kontrollér en sagsfil mod formularerne.

    Eksempel: beredskab validate examples/trussel-telefon.json
    """
    engine = _engine(plan_dir)
    case = engine.load_case(case_file)
    sections = ", ".join(s for s in engine.forms.sections if case.get(s))
    click.echo(f"Sagen {case['incident']['case_id']} er gyldig ({sections}).")


@cli.command("generate")
@case_argument
@click.option("--doc", "documents", multiple=True, metavar="NAVN",
              help="Dan kun dette dokument (kan gentages). Uden --doc dannes alle, der gælder for sagen.")
@out_option
@force_option
@plan_option
def generate_command(case_file, documents, out_dir, force, plan_dir):
    """Dan sagens Word-dokumenter.

    Eksempel: beredskab generate examples/trussel-telefon.json --out output
    """
    engine = _engine(plan_dir)
    case = engine.load_case(case_file)
    for path in engine.generate(case, out_dir, documents, force=force, today=date.today()):
        click.echo(f"Skrevet: {path}")


def _at_least_one(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter("skal være mindst 1")
    return value


@cli.command("batch")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@out_option
@click.option("--jobs", type=int, default=None, metavar="N", callback=_at_least_one,
              help="Antal processer, der arbejder samtidig (standard: antal kerner).")
@click.option("--doc", "documents", multiple=True, metavar="NAVN",
              help="Dan kun dette dokument for hver sag (kan gentages). Uden --doc dannes alle, der gælder.")
@plan_option
@force_option
def batch_command(input_path, out_dir, jobs, documents, plan_dir, force):
    """Dan dokumenterne for mange sager: en mappe med sagsfiler (*.json) eller en JSON Lines-fil (.jsonl).

    En afvist sag stopper ikke de andre; til sidst vises en opsummering. Afslutter med 2, hvis en sag blev afvist.

    Eksempel: beredskab batch sager/ --out output --jobs 2
    """
    from .batch import Summary, count_cases, run_batch

    total = count_cases(input_path)
    outcomes = run_batch(input_path, out_dir, documents, force=force, plan_dir=plan_dir, jobs=jobs)
    summary = Summary(str(out_dir))
    if sys.stderr.isatty():
        with click.progressbar(outcomes, length=total, label="Sager", file=sys.stderr) as bar:
            for outcome in bar:
                summary.add(outcome)
    else:
        for outcome in outcomes:
            summary.add(outcome)
            click.echo(f"[{summary.total}/{total}] {outcome.where}: {outcome.status}", err=True)
    for line in summary.lines():
        click.echo(line)
    return summary.exit_code


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="beredskab")
