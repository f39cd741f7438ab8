"""Static checks of a pack's templates: compile, literal references, known names and fields.

Private mechanics of ``packcheck.py`` (stage 3): they walk Jinja's syntax tree, so they see
branches that an example case never takes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from jinja2 import TemplateSyntaxError, nodes

from ..errors import BeredskabError
from ..render.renderer import DEFAULT_PREFIX, translate_errors

if TYPE_CHECKING:
    from ..engine import Engine
    from ._report import PackReport, _Collector

#: Methods a template may call on a mapping (``choices.x.items()``): not missing fields.
_MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})

#: Filters that take the name of a choice list as their first argument.
_CHOICE_FILTERS = frozenset({"label", "labels"})


def check_templates(engine: Engine, folder: Path, found: _Collector, report: PackReport) -> None:
    """Compile the pack's templates; check names, variables, fields and choices in every reachable one."""
    env = engine.renderer.env
    own = folder / "templates"
    for path in sorted(own.rglob("*.j2")) if own.is_dir() else []:
        name = path.relative_to(own).as_posix()
        report.templates.append(name)
        try:
            with translate_errors(name, engine.pack):
                env.compile(path.read_text(encoding="utf-8"), name, str(path))
        except BeredskabError as err:
            found.extend(err, file=str(path))
    known = engine.context_names() | set(env.globals)
    queue = [engine.renderer.template_name(doc) for doc in engine.documents()]
    seen: set[str] = set()
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = env.loader.get_source(env, name)
            tree = env.parse(source, name, filename)
        except BeredskabError as err:
            found.extend(err)
            continue
        except TemplateSyntaxError:
            continue  # reported above for the pack's own files; the defaults compile
        except Exception:  # noqa: BLE001 - TemplateNotFound for a document: rendering names it
            found.add(f"skabelonen '{name}' til et dokument i plan.yaml findes ikke", file=str(folder / "plan.yaml"))
            continue
        queue.extend(_referenced(tree, filename, env, found))
        _check_names(tree, filename, known, engine, found)


def _referenced(tree: nodes.Template, filename: str, env, found: _Collector) -> Iterator[str]:
    """The templates ``tree`` extends, includes or imports; a name built from data is a problem."""
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        target = node.template
        names = [target.value] if isinstance(target, nodes.Const) else (
            [item.value for item in target.items if isinstance(item, nodes.Const)]
            if isinstance(target, (nodes.List, nodes.Tuple)) else None)
        if not names or not all(isinstance(n, str) for n in names):
            found.add("skabelonens navn skal skrives direkte i {% extends %}/{% include %}, ikke beregnes",
                      file=filename, line=node.lineno)
            continue
        for name in names:
            try:
                env.loader.get_source(env, name)
            except BeredskabError as err:
                found.extend(err, line=node.lineno)
            except Exception:  # noqa: BLE001 - TemplateNotFound, refused names
                hint = f" (standardskabelonerne hedder '{DEFAULT_PREFIX}/<navn>')" if "/" not in name else ""
                found.add(f"skabelonen '{name}' findes ikke i planpakken eller standardplanen{hint}",
                          file=filename, line=node.lineno)
            else:
                yield name


def _check_names(tree: nodes.Template, filename: str, known: set[str], engine: Engine, found: _Collector) -> None:
    """Variables, case fields, plan settings and choice lists used in ``tree`` exist."""
    from jinja2 import meta

    # A template's top-level {% import %} and {% macro %} are visible in its blocks,
    # though Jinja's analysis treats each block as a scope of its own.
    top = {n.target for n in tree.body if isinstance(n, nodes.Import)}
    top |= {n.name for n in tree.body if isinstance(n, nodes.Macro)}
    top |= {name for n in tree.body if isinstance(n, nodes.FromImport)
            for name in (alias if isinstance(alias, str) else alias[1] for alias in n.names)}
    for name in sorted(meta.find_undeclared_variables(tree) - known - top):
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), None)
        found.add(f"skabelonen bruger variablen '{name}', som ikke findes", file=filename, line=line)
    choices = engine.forms.choices
    for node in tree.find_all(nodes.Filter):
        if node.name in _CHOICE_FILTERS and node.args and isinstance(node.args[0], nodes.Const):
            if node.args[0].value not in choices:
                found.add(f"valglisten '{node.args[0].value}' i {node.name}(...) findes ikke i plan.yaml",
                          file=filename, line=node.lineno)
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        chain = _chain(node)
        if chain is None:
            continue
        reason = _missing(chain, engine)
        if reason:
            found.add(reason, file=filename, line=node.lineno)


def _chain(node: nodes.Node) -> list[str] | None:
    """``incident.police.reported`` as ['incident', 'police', 'reported']; None if not a plain chain."""
    parts: list[str] = []
    while isinstance(node, (nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
        else:
            return None
        node = node.node
    if not isinstance(node, nodes.Name) or node.ctx != "load":
        return None
    return [node.name, *reversed(parts)]


def _missing(chain: list[str], engine: Engine) -> str | None:
    """Why ``chain`` names nothing, or None if it exists (or cannot be known statically)."""
    root, *attrs = chain
    if root in engine.forms.sections:
        rules = engine.forms.schema[root]
        for depth, attr in enumerate(attrs):
            children = rules.get("schema") if rules.get("type") == "dict" else None
            if not isinstance(children, dict) or attr in _MAPPING_METHODS:
                return None
            if attr not in children:
                return f"feltet '{'.'.join(chain[:depth + 2])}' findes ikke i formularen '{root}'"
            rules = children[attr]
        return None
    if root in ("plan", "choices"):
        value: Any = engine.settings if root == "plan" else engine.forms.choices
        for depth, attr in enumerate(attrs):
            if not isinstance(value, dict) or attr in _MAPPING_METHODS:
                return None
            if attr not in value:
                where = "plan.yaml" if root == "plan" else "valglisterne i plan.yaml"
                return f"'{'.'.join(chain[:depth + 2])}' findes ikke i {where}"
            value = value[attr]
    return None


# -- 4. documents --------------------------------------------------------------------
