"""YAML alias fan-out in any pack file is refused before it is expanded (issue 18).

Before, a 797-byte form file of nested aliases took over 120 s and 1.2 GB in every
command that loads the pack.
"""

from __future__ import annotations

import pytest

from beredskab.cli.commands import cli

from .conftest import EXAMPLES

LAUGHS = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
    f"*a{i - 1}, *a{i - 1}]\n" for i in range(1, 9))


def mapping_laughs(indent: int) -> str:
    """Eight levels of ten aliases each, as mappings, indented to stand inside a form's ``meta``.

    Mappings, in a well-formed form: the code before issue 18 hashed a form's schema and
    expanded every alias doing so (over 60 s, then stopped by the test's runner; issue 18
    measured 120 s and 1.2 GB). Lists at the top level, as first written here, were refused
    there for the form's shape before any alias was expanded, so they did not show the break.
    """
    pad = " " * indent
    text = pad + "l0: &a0 {" + ", ".join(f"k{j}: x" for j in range(10)) + "}\n"
    return text + "".join(pad + f"l{i}: &a{i} {{" + ", ".join(f"k{j}: *a{i - 1}" for j in range(10)) + "}\n"
                          for i in range(1, 9))


FIELD = "incident:\n  type: dict\n  schema:\n    case_id:\n      type: string\n      meta:\n        help: ok\n"


@pytest.mark.parametrize("file, text", [
    ("forms/incident.yaml", FIELD + "        laughs:\n" + mapping_laughs(10)),
    ("forms/extra.yaml", "extra:\n  type: dict\n  meta:\n    laughs:\n" + mapping_laughs(6)
     + "  schema:\n    note:\n      type: string\n"),
    ("plan.yaml", "unit: X\n" + LAUGHS),  # plan.yaml did not hang before (kept: every pack file is checked)
    ("forms/incident.yaml", "case_id: &r\n  meta: [*r]\n"),
    ("forms/incident.yaml", FIELD + "        deep: " + "[" * 70 + "]" * 70 + "\n"),
], ids=["form-fan-out", "new-form-fan-out", "plan-fan-out", "recursive", "deep"])
def test_every_command_refuses_yaml_that_fans_out(make_pack, runner, file, text):
    pack = make_pack({file: text})
    assert len(text.encode()) < 2000
    for args in (["validate", str(EXAMPLES / "trussel-telefon.json")], ["forms"], ["plan", "check", str(pack)]):
        if args[0] != "plan":
            args += ["--plan", str(pack)]
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        [line] = result.output.splitlines()
        assert line.startswith("Fejl: filen"), line
        assert f"({pack / file}" in line
        assert any(reason in line for reason in ("folder sig ud til for mange værdier", "henviser til sig selv",
                                                 "indlejret for dybt")), line
