"""The command line: parse arguments, call the engine, show results and errors in Danish.

Commands stay thin: each parses its options, calls one library function and
echoes the result. Errors are shown in one place, :meth:`BeredskabGroup.main`:
one ``Fejl: ...`` line per problem on stderr, and the error's exit code
(0 ok, 1 environment or internal error, 2 bad input or usage).
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import click

from ..version import __version__
from ._console import flush_stdout, os_error_message, silence_stdout, take_debug, utf8_streams
from ._danish import DanishBadParameter, DanishGroup, danish_usage_error
from ._debug import scrubbed_traceback
from . import _heap
from .options import (DEFAULT_OUT, case_argument, force_option, form_argument, now_of, out_option,  # noqa: F401
                      pdf_option, plan_option, run_today_option, set_option, today_option)
from ..errors import BeredskabError
from ..output import interrupts


#: Commands whose module is imported only when the command runs (or help lists it): the
#: register's and the web form's modules are not loaded by ``generate`` or ``batch``.
LAZY_COMMANDS = {
    "plan": ("plan", "plan_group"),
    "cases": ("cases", "cases_group"),
    "overdue": ("cases", "overdue_command"),
    "stats": ("cases", "stats_command"),
    "serve": ("web", "serve_command"),
    "users": ("web", "users_group"),
}


class BeredskabGroup(DanishGroup):
    """The ``beredskab`` command group; the one place errors are shown."""

    def list_commands(self, ctx) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            import importlib

            module, name = LAZY_COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(f"{__package__}.{module}"), name), cmd_name)
        return self.commands.get(cmd_name)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # --debug may stand anywhere, also after the command (`beredskab generate sag.json --debug`).
        argv, debug = take_debug(list(sys.argv[1:] if args is None else args))
        try:
            result = super().main(argv, prog_name or "beredskab", complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
            flush_stdout()  # a full disk or a closed pipe shows here, while it can still be reported
        except BrokenPipeError:  # the reader left (`beredskab check ... | head -1`): nothing to say
            silence_stdout()
            code = 1
        except OSError as err:  # the environment (a full disk under stdout): in Danish, no traceback
            click.echo(f"Fejl: {os_error_message(err)}", err=True)
            code = 1
        except BeredskabError as err:
            for line in err.lines():
                click.echo(f"Fejl: {line}", err=True)
            code = err.exit_code
        except click.exceptions.NoArgsIsHelpError as err:
            click.echo(err.ctx.get_help() if err.ctx else "", err=True)
            code = 2
        except click.UsageError as err:
            click.echo(f"Fejl: {danish_usage_error(err)}", err=True)
            click.echo(f"Se '{self.command_path(err, argv)} --help' for hjælp.", err=True)
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
            if debug:
                # Frames and exception types only: messages may quote the case's data.
                click.echo(scrubbed_traceback(err), err=True)
            click.echo("Fejl: intern fejl i beredskab; kør igen med --debug og kontakt support", err=True)
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code

    def command_path(self, err: click.UsageError, argv: list[str]) -> str:
        """The command a usage error belongs to (``beredskab generate``), for the hint to its help."""
        if err.ctx is not None and err.ctx.command is not self:
            return err.ctx.command_path
        path, group = ["beredskab"], self
        for arg in argv:  # click's parser leaves out the context for some errors: follow the words
            command = group.get_command(None, arg) if isinstance(group, click.Group) else None
            if command is None:
                if not arg.startswith("-"):
                    break
                continue
            path.append(arg)
            group = command
        return " ".join(path)


def _engine(plan_dir):
    from ..engine import Engine  # loaded per command, so `--help` stays fast

    engine = Engine.load(plan_dir)
    _heap.settle()  # the engine lives as long as the command (cli/_heap.py)
    return engine


@click.group("beredskab", cls=BeredskabGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True,
              help="Vis tekniske detaljer ved interne fejl (aldrig sagens data); kan også stå efter kommandoen.")
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
@set_option
@plan_option
@run_today_option
def validate_command(case_file, assignments, plan_dir, today):
    """Kontrollér en sagsfil mod formularerne.

    En gyldig sag med et forbud, hvor borgeren ikke er partshørt, er gyldig, men
    forbuddet er ikke klar til at blive sendt; det siger kommandoen også.

    Eksempel: beredskab validate examples/trussel-telefon.json
    """
    engine = _engine(plan_dir)
    case = engine.load_case(case_file, overrides=engine.assignments(assignments), now=now_of(today))
    sections = ", ".join(s for s in engine.forms.sections if case.section(s))
    if case.section("ban") and not engine.evaluate(case, today).ban_ready:
        click.echo(f"Sagen {case.id} er gyldig ({sections}), men forbuddet er ikke klar til at blive sendt: "
                   "borgeren er ikke partshørt (forvaltningslovens § 19).")
    else:
        click.echo(f"Sagen {case.id} er gyldig ({sections}).")


@cli.command("generate")
@case_argument
@click.option("--doc", "documents", multiple=True, metavar="NAVN",
              help="Dan kun dette dokument (kan gentages). Uden --doc dannes alle, der gælder for sagen.")
@out_option
@force_option
@set_option
@plan_option
@pdf_option
@run_today_option
def generate_command(case_file, documents, out_dir, force, assignments, plan_dir, pdf, today):
    """Dan sagens Word-dokumenter og manifest.json med deres kontrolsummer.

    Eksempel: beredskab generate examples/trussel-telefon.json --out output
    """
    engine = _engine(plan_dir)
    case = engine.load_case(case_file, overrides=engine.assignments(assignments), now=now_of(today))
    for path in engine.write(case, out_dir, documents, force=force, today=today, pdf=pdf):
        click.echo(f"Skrevet: {path}")


@cli.command("fill")
@form_argument
@click.option("-o", "--output", "case_file", type=click.Path(path_type=Path), default=None, metavar="SAG.json",
              help="Sagsfilen, der skrives; findes den, bruges dens værdier som forslag, og den opdateres.")
@click.option("--no-input", is_flag=True, help="Spørg ikke; brug værdierne i sagsfilen (de kontrolleres).")
@set_option
@plan_option
def fill_command(form, case_file, no_input, assignments, plan_dir):
    """Udfyld en formular (incident, support, ...), hele sagen (case) eller ét felt eller én gruppe
    (fx incident.description) ved at svare på spørgsmål.

    Uden -o skrives sagen som JSON på standardoutput. Afbrydes du, kan svarene gemmes som en kladde.

    Eksempel: beredskab fill case -o sag.json
    """
    from ..case.model import dump_case
    from .prompts import fill_file

    engine = _engine(plan_dir)
    case = fill_file(engine.forms, form, case_file, no_input=no_input, overrides=engine.assignments(assignments))
    if case_file is None:
        click.echo(dump_case(case).decode("utf-8"), nl=False)
    else:
        click.echo(f"Gemt: {case_file}")


@cli.command("init")
@form_argument
@click.option("-o", "--output", "case_file", type=click.Path(path_type=Path), default=None, metavar="SAG.json",
              help="Skriv sagsfilen her (ellers på standardoutput); en fil, der findes, overskrives kun med --force.")
@click.option("--force", is_flag=True, help="Overskriv sagsfilen, hvis den findes.")
@plan_option
def init_command(form, case_file, force, plan_dir):
    """Skriv en tom sagsfil med felterne i en formular (eller hele sagen: case), klar til at udfylde.

    Eksempel: beredskab init case -o sag.json
    """
    from ..case.model import dump_case
    from ..output.files import replace_file

    engine = _engine(plan_dir)
    skeleton = engine.skeleton(form)
    data = dump_case(skeleton)
    if case_file is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        click.echo(f"Skrevet: {replace_file(case_file, data, overwrite=force)}")
    optional = [section for section in engine.forms.sections if section not in skeleton]
    if form == "case" and optional:
        click.echo(f"Sektioner, en sag kan have ({', '.join(optional)}), tilføjes med fx: "
                   f"beredskab fill {optional[0]} -o {case_file or 'SAG.json'}", err=True)


@cli.command("schema")
@form_argument
@click.option("-o", "--output", "schema_file", type=click.Path(path_type=Path), default=None, metavar="FIL",
              help="Skriv skemaet i denne fil (ellers på standardoutput).")
@plan_option
def schema_command(form, schema_file, plan_dir):
    """Eksportér formularerne som JSON Schema, så editorer kan hjælpe med at udfylde en sagsfil.

    Eksempel: beredskab schema case -o beredskab.schema.json
    """
    from ..case.model import dump_case
    from ..output.files import replace_file

    engine = _engine(plan_dir)
    data = dump_case(engine.json_schema(form))
    if schema_file is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        click.echo(f"Skrevet: {replace_file(schema_file, data, private=False)}")


@cli.command("verify")
@click.argument("folder", metavar="MAPPE", type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=None, metavar="FIL",
              help="Kontrollér også mod registrets notering fra dannelsen (ellers BEREDSKAB_DB, hvis filen findes).")
def verify_command(folder, db_path):
    """Kontrollér, at en sags dokumenter svarer til kontrolsummerne i manifest.json.

    Det viser, at hver fil i mappen er den, manifestet nævner, og at mappen ikke har
    andre dokumenter. Den, der kan skrive i mappen, kan også ændre manifestet; med et
    register (--db eller BEREDSKAB_DB) sammenlignes manifestet også med den kontrolsum,
    registret noterede, da dokumenterne blev dannet med 'cases generate'.

    Eksempel: beredskab verify output/KME-2026-031
    """
    from ..output.manifest import verify

    if db_path is not None and not db_path.is_file():
        from ..errors import RegisterError

        raise RegisterError("registerfilen findes ikke; der er intet at sammenligne med", file=str(db_path))
    if db_path is None and os.environ.get("BEREDSKAB_DB") and Path(os.environ["BEREDSKAB_DB"]).is_file():
        db_path = Path(os.environ["BEREDSKAB_DB"])  # a register configured and in use: always compared
    evidence = None
    if db_path is None:
        names = verify(folder)
    else:
        from ..register import Register
        from ..register.evidence import verify as verify_with_register

        with Register.open(db_path) as reg:
            names, evidence = verify_with_register(reg, folder)
    for name in names:
        click.echo(f"Uændret: {name}")
    click.echo(f"Alle {len(names)} dokumenter svarer til deres kontrolsum i manifest.json, "
               "og mappen har ingen andre dokumenter.")
    for line in evidence.checked if evidence else ():
        click.echo(line)
    if evidence is None or not evidence.vouched:
        click.echo("Bemærk: det viser ikke, at ingen har ændret både et dokument og manifestet; "
                   "det kan enhver, der kan skrive i mappen.")


@cli.command("check")
@case_argument
@set_option
@plan_option
@run_today_option
def check_command(case_file, assignments, plan_dir, today):
    """Vis handleplanen: planens opgaver i sagen, hvem, hvornår, og hvad der er overskredet.

    Overskredne opgaver er markeret med [!]; kommandoen slutter alligevel med kode 0.

    Eksempel: beredskab check examples/trussel-telefon.json --today 2026-11-26
    """
    engine = _engine(plan_dir)
    case = engine.load_case(case_file, overrides=engine.assignments(assignments), now=now_of(today))
    for line in engine.check_lines(case, today):
        click.echo(line)


def _at_least_one(ctx, param, value):
    if value is not None and value < 1:
        raise DanishBadParameter("skal være mindst 1")
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
@click.option("--skip-existing", is_flag=True,
              help="Spring en sag over, når dens dokumenter findes, og dan kun dem, der mangler "
                   "(så mappen kan køres igen efter nye sager).")
@pdf_option
@today_option
def batch_command(input_path, out_dir, jobs, documents, plan_dir, force, skip_existing, pdf, today):
    """Dan dokumenterne for mange sager: en mappe med sagsfiler (*.json) eller en JSON Lines-fil (.jsonl).

    En afvist sag stopper ikke de andre; til sidst vises en opsummering. Afslutter med 2, hvis en sag blev afvist.

    Eksempel: beredskab batch sager/ --out output --jobs 2
    """
    from .batch import Summary, count_cases, run_batch

    total = count_cases(input_path)
    summary = Summary(str(out_dir))
    # closing: Ctrl-C while a line is printed must still end the workers at once, not at exit
    with closing(run_batch(input_path, out_dir, documents, force=force, plan_dir=plan_dir, jobs=jobs, today=today,
                           pdf=pdf, skip_existing=skip_existing)) as outcomes:
        if sys.stderr.isatty():
            with click.progressbar(outcomes, length=total, label="Sager", file=sys.stderr) as bar:
                for outcome in bar:
                    summary.add(outcome)
        else:
            for outcome in outcomes:
                summary.add(outcome)
                # color=False: stripped of ANSI codes as for any stream that is not a terminal,
                # without asking the terminal again for every case (an ioctl a line)
                click.echo(f"[{summary.total}/{total}] {outcome.where}: {outcome.status}", err=True, color=False)
    for line in summary.lines():
        click.echo(line)
    return summary.exit_code


def main() -> None:
    """Console-script entry point."""
    # A terminated run (SIGTERM: a closed terminal, a stopped service) unwinds like
    # Ctrl-C, so output.write_all rolls back and removes its temp files. Both land
    # between a write's steps, never inside one (output/interrupts.py).
    signal.signal(signal.SIGTERM, interrupts.interrupt)
    signal.signal(signal.SIGINT, interrupts.interrupt)
    utf8_streams()
    try:
        cli.main(prog_name="beredskab")
    except KeyboardInterrupt:
        # A second Ctrl-C while the first one's clean-up unwound (batch's workers being
        # stopped): the run is over all the same. Uncaught, Python would end by SIGINT.
        click.echo("Afbrudt.", err=True)
        sys.exit(1)
    finally:
        # The process is ending; a Ctrl-C now (while Python joins the batch's worker
        # threads at exit) must not kill it half-way through that.
        signal.signal(signal.SIGINT, signal.SIG_IGN)

