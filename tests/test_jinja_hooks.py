"""The Jinja2 internals beredskab's sandbox relies on are still there: fail loudly, naming Jinja2, if one is gone."""

from __future__ import annotations

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment

from beredskab.engine import Engine


def test_jinja2_concat_is_compiled_through_the_bounded_hook():
    """``~`` is bounded by overriding CodeGenerator.visit_Concat (render/_limits.LimitedCodeGenerator)."""
    assert hasattr(CodeGenerator, "visit_Concat"), f"Jinja2 {jinja2.__version__}: CodeGenerator.visit_Concat is gone"
    source = Engine.load().renderer.env.compile("{{ a ~ b }}", raw=True)
    assert "environment.bounded(" in source, f"Jinja2 {jinja2.__version__}: the visit_Concat hook no longer applies"


def test_jinja2_sandbox_hooks_beredskab_overrides_are_still_called():
    """str.format is checked in wrap_str_format, templates' references recorded in _parse."""
    for name in ("wrap_str_format", "call_binop", "call", "getattr", "getitem", "_parse"):
        assert hasattr(SandboxedEnvironment, name), f"Jinja2 {jinja2.__version__}: SandboxedEnvironment.{name} is gone"
    env = Engine.load().renderer.env
    assert env.from_string('{{ "{:>3}".format(1) }}').render() == "  1"
    try:
        env.from_string('{{ "{:>999999999}".format(1) }}').render()
    except Exception as err:  # noqa: BLE001 - the type is the point
        assert type(err).__name__ == "TooLarge", f"Jinja2 {jinja2.__version__}: wrap_str_format is no longer called"
    else:
        raise AssertionError(f"Jinja2 {jinja2.__version__}: wrap_str_format is no longer called")
