"""The docs: every command has Danish help with a real example, takes --plan where it reads a
pack, and is named in the README (sqlite-utils' tests/test_docs.py habit)."""

from __future__ import annotations

import click
import pytest

from beredskab.cli.commands import cli

from .conftest import ROOT

#: Commands that read no plan pack: `plan init` and `plan defaults` write one, `verify` reads a
#: manifest, `users add` writes a user into the register.
NO_PACK = {("plan", "init"), ("plan", "defaults"), ("verify",), ("users", "add")}


def all_commands(group: click.Group = cli, prefix: tuple = ()):
    # list_commands/get_command: click's API for a group that loads commands lazily (cli/commands.py)
    with click.Context(group) as ctx:
        commands = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    for name, command in commands.items():
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = sorted(path for path, _ in all_commands())


def test_docs_the_command_list_is_what_we_ship():
    assert COMMANDS == [
        ("batch",), ("cases", "backup"), ("cases", "close"), ("cases", "export"), ("cases", "generate"),
        ("cases", "import"), ("cases", "list"), ("cases", "purge"), ("cases", "refresh"), ("cases", "reopen"),
        ("cases", "set"),
        ("cases", "show"), ("check",), ("fill",), ("forms",), ("generate",), ("init",), ("overdue",),
        ("plan", "check"), ("plan", "defaults"), ("plan", "init"), ("schema",), ("serve",), ("stats",),
        ("users", "add"), ("validate",), ("verify",),
    ]


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_docs_every_command_has_danish_help_ending_in_an_example(runner, path):
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Brug: beredskab {' '.join(path)} ")
    assert "Vis denne hjælp og afslut." in result.output
    example = [line.strip() for line in result.output.splitlines() if line.strip().startswith("Eksempel: ")]
    assert example and example[0].startswith(f"Eksempel: beredskab {' '.join(path)}")


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_docs_every_command_that_reads_a_pack_takes_plan(path):
    command = dict(all_commands())[path]
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    assert ("--plan" in options) is (path not in NO_PACK)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_docs_every_command_is_in_the_readme(path):
    assert f"`beredskab {' '.join(path)}" in (ROOT / "README.md").read_text(encoding="utf-8")
