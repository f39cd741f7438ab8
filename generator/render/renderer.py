"""Render document templates: sandboxed, autoescaped Jinja2 that emits the HTML subset.

Templates come from plan packs, which other departments write: they are
untrusted text. They run in Jinja's immutable sandbox (:class:`PackSandbox`,
which also refuses memory bombs and stops runaway loops) with autoescaping (a
value can never become markup) and ``StrictUndefined`` (a misspelt variable is
an error, not an empty string). Loaders are composed: a
pack's template replaces the default of the same name, and the default stays
reachable as ``default/<name>`` for ``{% extends %}``. No loader leaves its folder:
Jinja refuses ``..``, and :class:`PackLoader` refuses symlinks pointing outside.
"""

from __future__ import annotations

import operator
import re
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

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
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from .. import dates
from ._cache import template_cache
from ._limits import (
    MAX_RENDER_SECONDS, Deadline, LimitedCodeGenerator, RenderTimeout, TooLarge, bounded,
    check_format, check_method, check_multiply, check_power, check_printf, guard_filters, guard_globals,
)
from ..errors import TemplateError
from ..case.forms import Forms
from ..pack.loader import Pack

#: Longest HTML a template may produce; a runaway loop stops here, not in memory.
MAX_OUTPUT_CHARS = 5_000_000

#: Output chunks between two checks of the render's deadline (a chunk takes microseconds).
CHUNKS_PER_CHECK = 16

#: Prefix under which the default pack's templates stay reachable from a pack.
DEFAULT_PREFIX = "default"

#: Suffix of document templates: ``<document>.html.j2``.
TEMPLATE_SUFFIX = ".html.j2"

class PackLoader(FileSystemLoader):
    """A FileSystemLoader that never leaves its folder, not even through a symbolic link.

    Jinja already refuses names with ``..``; a pack is untrusted, so a template
    that is a symlink to a file outside the pack is refused as well.
    """

    def __init__(self, root: Path):
        super().__init__(str(root), followlinks=False)
        self.root = Path(root)

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.root.resolve()):
            raise TemplateError("skabelonen er et symbolsk link, der peger uden for planpakken", file=filename)
        return source, filename, uptodate


class PackSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, also bounding what templates build and how long they run
    (the checks are in ``_render_limits``)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = LimitedCodeGenerator

    def __init__(self, **options: Any):
        super().__init__(**options)
        #: Template file -> the templates it extends, includes or imports (for the manifest),
        #: parsed once per process or read from the template cache with its compiled code.
        #: By file, not name: a PrefixLoader loads ``default/x`` under the name ``x``.
        self.references: dict[str, list[str | None]] = {}
        #: This thread's render deadline, checked on every call, attribute, operator and output chunk.
        self.deadline = Deadline()
        #: (type, attribute) -> whether Jinja's sandbox lets a template read it (see is_safe_attribute).
        self._safe: dict[tuple[type, str], bool] = {}

    def referenced(self, source: str, name: str | None, filename: str) -> list[str | None]:
        """The templates ``source`` extends, includes or imports (None: a name computed when it runs)."""
        if filename not in self.references:
            self.references[filename] = list(meta.find_referenced_templates(self.parse(source, name, filename)))
        return self.references[filename]

    def bounded(self, value: Any) -> Any:
        """The result of ``a ~ b`` (the code generator wraps it), refused when too long."""
        self.deadline.check()
        return bounded(value, "concat")

    def concat(self, parts: Iterable[str]) -> str:  # type: ignore[override] - Jinja's `concat = "".join`
        return bounded("".join(parts), "block")

    def call_binop(self, context, operator_name: str, left: Any, right: Any) -> Any:
        self.deadline.check()
        if operator_name == "**":
            check_power(right)
        elif operator_name == "*":
            check_multiply(left, right)
        elif operator_name == "%":
            check_printf(left, right)
        return bounded(_BINOPS[operator_name](left, right), operator_name)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        __self.deadline.check()
        args = check_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.deadline.check()
        if type(obj) is dict and type(attribute) is str and attribute not in _DICT_ATTRIBUTES:
            # What Jinja's getattr finds for a plain dict's key (``incident.case_id``), without
            # first asking for an attribute a dict does not have (an AttributeError each time).
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's answer, kept per type and attribute name: it depends on nothing else (the name, and
        ``isinstance`` of the object against internal and mutable types; ``value`` is not used), and
        it took ~2.5 us of each of a note's ~24 reads of a real attribute (``loop.last``, a macro)."""
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = super().is_safe_attribute(obj, attr, value)
            if len(self._safe) >= _MAX_SAFE_KEPT:
                self._safe.clear()
            self._safe[key] = safe
        return safe

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.deadline.check()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            check_format(fmt, args, kwargs)
            return wrapped(*args, **kwargs)

        checked.__name__ = wrapped.__name__
        return checked


#: Most (type, attribute) answers of PackSandbox.is_safe_attribute kept (templates read a few dozen).
_MAX_SAFE_KEPT = 4096

#: Every attribute a plain dict has (its methods, and object's): for any other name Jinja's
#: ``getattr`` of a dict looks up the key.
_DICT_ATTRIBUTES = frozenset(dir(dict))

_BINOPS = {"*": operator.mul, "**": operator.pow, "+": operator.add, "%": operator.mod}


class Renderer:
    """Templates of one pack, compiled once and rendered many times."""

    def __init__(self, pack: Pack, forms: Forms):
        self.pack = pack
        self.forms = forms
        #: Document -> (its sources, the loader's up-to-date checks): read again only when a file changed.
        self._sources: dict[str, tuple[dict[str, str], list]] = {}
        loaders = [PackLoader(folder) for folder in pack.template_dirs()]
        loaders.append(PrefixLoader({DEFAULT_PREFIX: PackLoader(pack.default_dir / "templates")}))
        self.env = PackSandbox(
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
        guard_filters(self.env.filters)  # width-taking filters removed, the rest bounded in size
        guard_globals(self.env.globals)
        # Compiled templates are kept in a private per-user folder (see _template_cache: why that is safe).
        self.env.bytecode_cache = template_cache(self.env)

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
        with translate_errors(name, self.pack):
            template = self.env.get_template(name)
            chunks: list[str] = []
            size = 0
            deadline = self.env.deadline
            deadline.start(MAX_RENDER_SECONDS)
            try:
                for chunk in template.generate(context):
                    size += len(chunk)
                    if size > MAX_OUTPUT_CHARS:
                        raise TemplateError("skabelonen giver et alt for stort dokument", file=name)
                    chunks.append(chunk)
                    if not len(chunks) % CHUNKS_PER_CHECK:  # the sandbox's hooks check it as well
                        deadline.check()
            finally:
                deadline.stop()
            return "".join(chunks)

    def sources(self, document: str) -> dict[str, str]:
        """The source text of ``document``'s template and every template it extends, includes or
        imports (name -> source), for the audit manifest.

        Kept per process while the loader's checks say every file is unchanged (what Jinja
        does for compiled templates): a batch reads and resolves them once, not per document.
        """
        cached = self._sources.get(document)
        if cached is not None and all(uptodate is not None and uptodate() for uptodate in cached[1]):
            return dict(cached[0])
        found: dict[str, str] = {}
        checks = []
        pending = [self.template_name(document)]
        while pending:
            name = pending.pop()
            if name in found:
                continue
            with translate_errors(name, self.pack):
                source, filename, uptodate = self.env.loader.get_source(self.env, name)
                referenced = self.env.referenced(source, name, filename)
            found[name] = source
            checks.append(uptodate)
            pending.extend(ref for ref in referenced if ref is not None)  # None: a name computed at runtime
        self._sources[document] = (found, checks)
        return dict(found)

    def compile(self, name: str) -> None:
        """Load and compile template ``name`` (and what it extends); raise a Danish TemplateError."""
        with translate_errors(name, self.pack):
            self.env.get_template(name)


@contextmanager
def translate_errors(name: str, pack: Pack) -> Iterator[None]:
    """Turn every failure of loading or rendering template ``name`` into one Danish TemplateError."""
    try:
        yield
    except (TemplateError, MemoryError):
        raise  # MemoryError: a worker reports it and is replaced (see _isolation)
    except TemplateNotFound as err:
        searched = ", ".join(str(p) for p in pack.template_dirs())
        where = _where(err, name)
        # `{% include incident.description %}`: a name built from the case's data is never shown
        shown = err.name if err.name == name or _spelled(str(err.name), where["file"]) else "ukendt"
        raise TemplateError(f"skabelonen '{shown}' findes ikke (søgt i: {searched})", **where) from err
    except TemplateSyntaxError as err:
        raise TemplateError(
            f"fejl i skabelonens syntaks: {_danish_syntax(err)}", file=err.filename or name, line=err.lineno
        ) from err
    except UndefinedError as err:
        where = _where(err, name)
        raise TemplateError(
            f"skabelonen bruger en variabel eller et felt, der ikke findes ({_undefined_name(err, where['file'])})",
            **where) from err
    except TooLarge as err:
        raise TemplateError("skabelonen forsøger at bygge en alt for stor tekst, liste eller tal",
                            **_where(err, name)) from err
    except SecurityError as err:
        raise TemplateError("skabelonen forsøger at bruge Pythons indre dele eller at ændre data; "
                            "det tillader sandkassen ikke", **_where(err, name)) from err
    except OverflowError as err:
        raise TemplateError(f"skabelonen beder om for mange gentagelser (højst {MAX_RANGE} i en range)",
                            **_where(err, name)) from err
    except RecursionError as err:
        raise TemplateError("skabelonen kalder sig selv i det uendelige", file=name) from err
    except RenderTimeout as err:
        raise TemplateError(f"skabelonen tager for lang tid at danne (over {MAX_RENDER_SECONDS:g} sekunder)",
                            **_where(err, name)) from err
    except Exception as err:  # noqa: BLE001 - the sandbox docs warn that any exception can occur
        raise TemplateError(f"skabelonen kunne ikke dannes ({type(err).__name__})", **_where(err, name)) from err


def _where(err: BaseException, name: str) -> dict:
    """File and line of the innermost template frame in ``err``'s traceback (Jinja rewrites them)."""
    where: dict = {"file": name}
    tb = err.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIX) or filename.endswith(".j2"):
            where = {"file": filename, "line": tb.tb_lineno}
        tb = tb.tb_next
    return where


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
    html = []  # plain text joined, each line escaped: one Markup at the end, not one per piece
    for block in blocks:
        if block:
            html.append("<p>" + "<br>".join([escape(line) for line in block.split("\n")]) + "</p>")
    return Markup("\n".join(html))


def _undefined_name(err: UndefinedError, template_file: str) -> str:
    """The missing name, when the template itself spells it; else ``ukendt``.

    Jinja's message is English ("'dict object' has no attribute 'x'"); only the name is
    kept, and only when it is written in the template: a key looked up from the
    case's data (``choices[incident.description]``) must not be echoed.
    """
    message = str(err)
    if "attribute '" in message:
        found = message.rsplit("attribute '", 1)[1].rstrip("'")
    elif message.startswith("'") and "' is undefined" in message:
        found = message.split("'")[1]
    else:
        return "ukendt"
    if not _IDENTIFIER.fullmatch(found):
        return "ukendt"
    try:
        source = Path(template_file).read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return "ukendt"
    return found if re.search(rf"\b{re.escape(found)}\b", source) else "ukendt"


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,59}")


def _spelled(text: str, template_file: str) -> bool:
    """Whether ``text`` (a template's name) is written literally in the template file."""
    if not text or len(text) > 200:
        return False
    try:
        return text in Path(template_file).read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return False


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
