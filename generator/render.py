"""Render document templates: sandboxed, autoescaped Jinja2 that emits the HTML subset.

Templates come from plan packs, which other departments write: they are
untrusted text. They run in a :class:`~jinja2.sandbox.SandboxedEnvironment` with
autoescaping (a value can never become markup) and ``StrictUndefined`` (a
misspelt variable is an error, not an empty string). Loaders are composed: a
pack's template replaces the default of the same name, and the default stays
reachable as ``default/<name>`` for ``{% extends %}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    meta,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from . import dates
from .errors import TemplateError
from .forms import Forms
from .plan import Pack

#: Longest HTML a template may produce; a runaway loop stops here, not in memory.
MAX_OUTPUT_CHARS = 5_000_000

#: Prefix under which the default pack's templates stay reachable from a pack.
DEFAULT_PREFIX = "default"

#: Suffix of document templates: ``<document>.html.j2``.
TEMPLATE_SUFFIX = ".html.j2"


class Renderer:
    """Templates of one pack, compiled once and rendered many times."""

    def __init__(self, pack: Pack, forms: Forms):
        self.pack = pack
        self.forms = forms
        loaders = [FileSystemLoader(str(folder)) for folder in pack.template_dirs()]
        loaders.append(PrefixLoader({DEFAULT_PREFIX: FileSystemLoader(str(pack.default_dir / "templates"))}))
        self.env = SandboxedEnvironment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters.update(
            date=dates.long_date,
            datetime=dates.long_datetime,
            short_date=dates.short_date,
            label=self._label,
            labels=self._labels,
            yesno=yes_no,
            paragraphs=paragraphs,
        )

    def _label(self, key: Any, list_name: str) -> str:
        """``{{ incident.channel | label('channel') }}`` -> ``Telefon``."""
        if key is None:
            return ""
        return self.forms.label(list_name, str(key))

    def _labels(self, keys: Iterable[Any] | None, list_name: str) -> list[str]:
        """The labels of a list of choices, for ``| join(', ')`` or a loop."""
        return [self.forms.label(list_name, str(k)) for k in keys or ()]

    def template_name(self, document: str) -> str:
        return f"{document}{TEMPLATE_SUFFIX}"

    def render(self, document: str, context: dict) -> str:
        """Render the template of ``document``; every failure becomes a Danish TemplateError."""
        name = self.template_name(document)
        try:
            template = self.env.get_template(name)
            chunks: list[str] = []
            size = 0
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateError("skabelonen giver et alt for stort dokument", file=name)
                chunks.append(chunk)
            return "".join(chunks)
        except TemplateError:
            raise
        except TemplateNotFound as err:
            searched = ", ".join(str(p) for p in self.pack.template_dirs())
            raise TemplateError(f"skabelonen '{err.name}' findes ikke (søgt i: {searched})") from err
        except TemplateSyntaxError as err:
            raise TemplateError(
                f"fejl i skabelonens syntaks: {_danish_syntax(err)}", file=err.filename or name, line=err.lineno
            ) from err
        except UndefinedError as err:
            raise TemplateError(
                f"skabelonen bruger en variabel eller et felt, der ikke findes ({_undefined_name(err)})", file=name
            ) from err
        except SecurityError as err:
            raise TemplateError("skabelonen forsøger noget, som sandkassen ikke tillader", file=name) from err
        except RecursionError as err:
            raise TemplateError("skabelonen kalder sig selv i det uendelige", file=name) from err
        except Exception as err:  # noqa: BLE001 - the sandbox docs warn that any exception can occur
            raise TemplateError(f"skabelonen kunne ikke dannes ({type(err).__name__})", file=name) from err

    def sources(self, document: str) -> dict[str, str]:
        """The source text of ``document``'s template and every template it extends, includes or
        imports (name -> source), for the audit manifest."""
        found: dict[str, str] = {}
        pending = [self.template_name(document)]
        while pending:
            name = pending.pop()
            if name in found:
                continue
            try:
                source, _, _ = self.env.loader.get_source(self.env, name)
                referenced = meta.find_referenced_templates(self.env.parse(source))
            except TemplateNotFound as err:
                raise TemplateError(f"skabelonen '{err.name}' findes ikke") from err
            except TemplateSyntaxError as err:
                raise TemplateError(f"fejl i skabelonens syntaks: {_danish_syntax(err)}", file=name,
                                    line=err.lineno) from err
            found[name] = source
            pending.extend(ref for ref in referenced if ref is not None)  # None: a name computed at runtime
        return found


def yes_no(value: Any) -> str:
    """``Ja``/``Nej``; empty for None (not answered)."""
    if value is None:
        return ""
    return "Ja" if value else "Nej"


def paragraphs(text: Any) -> Markup:
    """A person's multi-line text as ``<p>`` blocks (blank lines) and ``<br>`` (single newlines)."""
    if text is None or text == "":
        return Markup("")
    blocks = [b.strip() for b in str(text).split("\n\n")]
    html = []
    for block in blocks:
        if block:
            lines = [escape(line) for line in block.split("\n")]
            html.append(Markup("<p>") + Markup("<br>").join(lines) + Markup("</p>"))
    return Markup("\n").join(html)


def _undefined_name(err: UndefinedError) -> str:
    # Jinja's message is English ("'dict object' has no attribute 'x'"); keep only the name.
    message = str(err)
    if "attribute '" in message:
        return message.rsplit("attribute '", 1)[1].rstrip("'")
    if message.startswith("'") and "' is undefined" in message:
        return message.split("'")[1]
    return "ukendt"


def _danish_syntax(err: TemplateSyntaxError) -> str:
    message = err.message or ""
    if "Unexpected end of template" in message:
        return "skabelonen slutter, før en blok er lukket (mangler {% end... %}?)"
    if "unknown tag" in message.lower() or "Encountered unknown tag" in message:
        return "ukendt Jinja-kommando"
    if "expected token" in message:
        return "uventet tegn i et udtryk"
    if "no filter named" in message:
        return "ukendt filter"
    return "ugyldig Jinja-syntaks"


def json_ready(value: Any) -> Any:
    """Dates as ISO text, for contexts that leave Python (hashes, JSON)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    return value
