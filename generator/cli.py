"""The command line: parse arguments, call the engine, show results and errors in Danish.

Commands stay thin: each parses its options, calls one library function and
echoes the result. Errors are shown in one place, :meth:`BeredskabGroup.main`:
one ``Fejl: ...`` line per problem on stderr, and the error's exit code
(0 ok, 1 environment or internal error, 2 bad input or usage).
"""

from __future__ import annotations

import re
import signal
import sys
from datetime import date
from pathlib import Path

import click

from . import __version__
from ._debug import scrubbed_traceback
from .errors import BeredskabError

#: Default output folder (relative to where the command runs).
DEFAULT_OUT = "output"


class DanishHelpFormatter(click.HelpFormatter):
    """Click's help layout with Danish headings."""

    HEADINGS = {"Options": "Tilvalg", "Commands": "Kommandoer", "Arguments": "Argumenter"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args.replace("[OPTIONS]", "[TILVALG]").replace("COMMAND", "KOMMANDO")
                            .replace("[ARGS]", "[ARGUMENTER]"),
                            prefix="Brug: " if prefix is None else prefix)

    def section(self, name: str):
        return super().section(self.HEADINGS.get(name, name))

    #: Click's English notes in option help, in Danish.
    HELP_NOTES = {"[default: ": "[standard: ", "[required]": "[skal angives]", "[env var: ": "[miljøvariabel: "}

    #: Click's English metavars (``--out PATH``), in Danish.
    METAVARS = {"PATH": "STI", "TEXT": "TEKST", "INTEGER": "HELTAL", "FLOAT": "TAL", "FILE": "FIL",
                "DIRECTORY": "MAPPE", "BOOLEAN": "JA/NEJ", "FILENAME": "FILNAVN"}

    def write_dl(self, rows, *args, **kwargs) -> None:
        rows = [(re.sub(r"\b[A-Z]+\b", lambda m: self.METAVARS.get(m.group(), m.group()), term),
                 _replace_all(text, self.HELP_NOTES)) for term, text in rows]
        super().write_dl(rows, *args, **kwargs)


def _replace_all(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


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
        return f"mangler {_param_name(err.param) or 'en værdi'}"
    if isinstance(err, click.BadParameter):
        return _bad_parameter(err)
    if isinstance(err, click.BadOptionUsage):
        if "does not take a value" in err.message:
            return f"tilvalget {err.option_name} tager ingen værdi"
        return f"tilvalget {err.option_name} kræver en værdi"
    if isinstance(err, click.BadArgumentUsage):
        return "forkert antal værdier til et argument"
    if err.message.startswith("No such command"):
        return f"ukendt kommando {err.message.split(' ', 3)[-1].rstrip('.')}"
    if err.message.startswith("Got unexpected extra argument"):
        return "for mange argumenter"
    if err.message.startswith("Missing command"):
        return "mangler en kommando"
    return "forkert brug af kommandoen"


def _param_name(param: click.Parameter | None) -> str | None:
    """How the user wrote a parameter: ``--out`` for an option, ``SAG.json`` for an argument."""
    if param is None:
        return None
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return param.human_readable_name


def _bad_parameter(err: click.BadParameter) -> str:
    """Danish for a value click's types refused (Choice, numbers, Path, ...)."""
    name = _param_name(err.param) or "en værdi"
    kind = err.param.type if err.param is not None else None
    if isinstance(kind, click.Choice):
        return f"ugyldig værdi for {name}; mulige værdier: {', '.join(str(c) for c in kind.choices)}"
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return f"ugyldig værdi for {name}: skal være et tal"
    if isinstance(kind, click.Path):
        return f"ugyldig værdi for {name}: stien findes ikke eller kan ikke bruges"
    if isinstance(kind, click.DateTime):
        return f"ugyldig værdi for {name}: skal være en dato, fx 2026-11-24"
    return f"ugyldig værdi for {name}"


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
        except click.exceptions.NoArgsIsHelpError as err:
            click.echo(err.ctx.get_help() if err.ctx else "", err=True)
            code = 2
        except click.UsageError as err:
            click.echo(f"Fejl: {danish_usage_error(err)}", err=True)
            click.echo("Se 'beredskab --help' for hjælp.", err=True)
            code = 2
        except (click.Abort, KeyboardInterrupt, EOFError):
            click.echo("Afbrudt.", err=True)
            code = 1
        except click.FileError as err:
            click.echo(f"Fejl: filen kan ikke åbnes ({err.ui_filename})", err=True)
            code = err.exit_code
        except click.ClickException as err:  # click's texts are English: say it in Danish
            click.echo("Fejl: kommandoen kunne ikke udføres", err=True)
            code = err.exit_code
        except Exception as err:  # noqa: BLE001 - the last line of defence: no traceback for users
            if "--debug" in argv:
                # Frames and exception types only: messages may quote the case's data.
                click.echo(scrubbed_traceback(err), err=True)
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


def main() -> None:
    """Console-script entry point."""
    # A terminated run (SIGTERM: a closed terminal, a stopped service) unwinds like
    # Ctrl-C, so output.write_all rolls back and removes its temp files.
    signal.signal(signal.SIGTERM, _interrupt)
    cli.main(prog_name="beredskab")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
