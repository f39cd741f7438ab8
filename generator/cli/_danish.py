"""Click in Danish: help headings and texts, and Danish text for click's own usage errors.

Private mechanics of ``cli.py`` (click's texts are English and partly hard-coded, so they are
replaced here rather than in every command).

Why not a gettext catalogue, although click passes its texts through ``gettext``: click calls
the module-level ``gettext.gettext``, i.e. the process-wide default domain ``messages``, and
picks the language from ``LANGUAGE``/``LC_ALL``/``LANG``. Danish texts that way would mean
claiming that shared domain for every library in the process, forcing the language by
changing the environment (which LibreOffice and other child processes inherit), and shipping a
compiled ``.mo`` file whose msgids are click's English sentences: the same dependence on
click's wording as here, but failing silently (English again) instead of in a test. Errors
are told apart by their exception class where click gives one; the few English texts still
matched are covered by ``tests/test_cli_errors.py``.
"""

from __future__ import annotations

import re

import click


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


class DanishHelpOption:
    """Mixin for commands and groups: the help option speaks Danish."""

    context_class = DanishContext

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Vis denne hjælp og afslut."
        return option


class DanishCommand(DanishHelpOption, click.Command):
    """A command whose help speaks Danish."""


class DanishGroup(DanishHelpOption, click.Group):
    """A group of commands (``plan``, ``cases``, ``users``) whose help speaks Danish.

    Its errors go up to the main group, which shows them.
    """

    command_class = DanishCommand


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


class DanishBadParameter(click.BadParameter):
    """A bad option value refused by beredskab's own callbacks: its message is Danish already."""


def _bad_parameter(err: click.BadParameter) -> str:
    """Danish for a value click's types refused (Choice, numbers, Path, ...)."""
    name = _param_name(err.param) or "en værdi"
    if isinstance(err, DanishBadParameter):
        return f"ugyldig værdi for {name}: {err.message}"
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
