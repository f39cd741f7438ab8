"""Size and time limits of the template sandbox: what a template may build, and for how long.

Jinja's sandbox keeps templates away from Python's insides, not from memory:
``~`` doubling a string forty times, ``replace``/``join`` on a long text,
``"%999999999s"`` or ``"{:>999999999}"`` each build gigabytes in one step.
Every operation that can make a text or list much longer than its inputs is
checked here *before* it runs (its result size is computed from its inputs);
those that can at most add their inputs together (``~``, ``+``) are checked
after, which is enough because every input was bounded the same way.

Time: :class:`Deadline` is a per-thread deadline the sandbox checks on every
call, attribute access, operator and output chunk (cooperative, so it holds in
a web server's threads and on Windows, where a signal cannot interrupt). Packs
other than the bundled default are in addition rendered in a worker process the
operating system bounds (``generator._isolation``).
"""

from __future__ import annotations

import re
import string
import threading
import time
from functools import wraps
from typing import Any, Callable, Iterable

from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SecurityError

#: Longest text or list a template may build in one step (``*``, ``~``, ``replace``, ``join``, widths ...).
MAX_BUILT_SIZE = 1_000_000

#: Largest exponent of ``**``; ``10 ** 10 ** 10`` would never finish.
MAX_EXPONENT = 256

#: Seconds one document may take to render (checked cooperatively, in any thread).
MAX_RENDER_SECONDS = 20.0

#: Filters that only build what documents never need, or build it without bound; removed.
REMOVED_FILTERS = ("center", "indent", "wordwrap", "filesizeformat", "pprint", "xmlattr", "urlize")

#: Most paragraphs and words per paragraph of the ``lipsum`` filler text.
MAX_LIPSUM = 100

#: String methods that allocate as much as their width argument asks for.
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})

#: String methods refused outright: a translation table can turn each character into a long text.
_REFUSED_METHODS = frozenset({"translate", "maketrans"})

#: A printf field (compiled by ``re``'s cache on the first ``%`` a template uses, not at every start).
_PRINTF_FIELD = r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])"


class TooLarge(SecurityError):
    """A template asked for a text, list or number too large to build."""


class RenderTimeout(Exception):
    """A template ran longer than MAX_RENDER_SECONDS."""


class _Moment(threading.local):
    at: float | None = None  # no render running in this thread (each thread starts so)


class Deadline:
    """A deadline per thread: started around one render, checked by the sandbox's hooks."""

    def __init__(self) -> None:
        self._local = _Moment()

    def start(self, seconds: float) -> None:
        self._local.at = _monotonic() + seconds

    def stop(self) -> None:
        self._local.at = None

    def check(self) -> None:
        """Raise RenderTimeout when this thread's render has run past its deadline."""
        local = self._local
        at = local.at
        if at is not None and _monotonic() > at:
            local.at = None  # raised once; cleanup code after it runs freely
            raise RenderTimeout


_monotonic = time.monotonic


def size(value: Any) -> int:
    """The length of a text or list, 0 for anything else."""
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def bounded(value: Any, what: str = "text") -> Any:
    """Return ``value``, or raise TooLarge when it is a text or list longer than MAX_BUILT_SIZE."""
    if size(value) > MAX_BUILT_SIZE:
        raise TooLarge(what)
    return value


def _refuse_over(estimate: int, what: str) -> None:
    if estimate > MAX_BUILT_SIZE:
        raise TooLarge(what)


def _longest(values: Iterable[Any]) -> int:
    return max((len(str(v)) for v in values), default=0)


def check_multiply(left: Any, right: Any) -> None:
    """``"ab" * 10**9`` or ``[1] * 10**9``: refuse before Python allocates it."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_BUILT_SIZE:
            raise TooLarge("sequence")


def check_power(right: Any) -> None:
    if isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
        raise TooLarge("exponent")


def check_printf(fmt: Any, values: Any) -> None:
    """``"%999999999s" % x``: widths, precisions and repeated fields must stay within MAX_BUILT_SIZE."""
    if not isinstance(fmt, str):
        return
    fields = re.findall(_PRINTF_FIELD, fmt)
    if any("*" in (width, precision) for width, precision, _ in fields):
        raise TooLarge("width")
    widths = sum(int(n) for width, precision, _ in fields for n in (width, precision) if n)
    items = values.values() if isinstance(values, dict) else values if isinstance(values, tuple) else (values,)
    _refuse_over(len(fmt) + widths + len(fields) * _longest(items), "format")


def check_format(fmt: str, args: tuple, kwargs: dict) -> None:
    """``"{:>999999999}".format(x)``: the same for ``str.format`` and ``format_map``."""
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # Python refuses the format string itself
    fields = [spec or "" for _, name, spec, _ in parsed if name is not None]
    if any("{" in spec for spec in fields):
        raise TooLarge("width")  # a width taken from the data
    widths = sum(int(n) for spec in fields for n in re.findall(r"\d+", spec))
    values = [*args, *(kwargs.values())]
    if len(args) == 1 and not kwargs and isinstance(args[0], dict):
        values = list(args[0].values())  # format_map
    _refuse_over(len(fmt) + widths + len(fields) * _longest(values), "format")


def check_method(obj: Any, args: tuple, kwargs: dict) -> tuple:
    """Refuse string method calls whose result would be larger than MAX_BUILT_SIZE; return the
    arguments to call it with (an iterator given to ``join`` becomes a list, so it can be measured)."""
    owner = getattr(obj, "__self__", None)
    if not isinstance(owner, str):
        return args
    name = getattr(obj, "__name__", None)
    if name in _REFUSED_METHODS:
        raise SecurityError(name)
    if name in _PADDING_METHODS:
        if any(isinstance(a, int) and a > MAX_BUILT_SIZE for a in (*args, *kwargs.values())):
            raise TooLarge("padding")
        if name == "expandtabs":
            tab = args[0] if args else kwargs.get("tabsize", 8)
            _refuse_over(len(owner) + owner.count("\t") * (tab if isinstance(tab, int) else 8), "padding")
    elif name == "replace" and len(args) >= 2:
        check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
    elif name == "join" and args:
        args = (materialized(args[0]), *args[1:])
        check_join(args[0], owner)
    return args


def materialized(items: Any) -> Any:
    """``items`` as a sequence whose length and items can be measured; refuse more than MAX_BUILT_SIZE."""
    if isinstance(items, (str, list, tuple, range)):
        return items
    if isinstance(items, dict):
        return list(items)
    found = []
    for item in items:
        found.append(item)
        if len(found) > MAX_BUILT_SIZE:
            raise TooLarge("join")
    return found


def check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> None:
    """``s.replace("", "x" * 1000)`` grows ``s`` by ``len(new) - len(old)`` per occurrence."""
    text, old, new = str(text), str(old), str(new)
    if len(new) <= len(old):
        return
    found = len(text) + 1 if old == "" else text.count(old)
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    _refuse_over(len(text) + found * (len(new) - len(old)), "replace")


def check_join(items: Any, separator: Any) -> None:
    """``join`` of many items with a long separator."""
    if isinstance(items, (str, list, tuple, range)):
        count = len(items)
        _refuse_over(max(0, count - 1) * len(str(separator)), "join")
        if not isinstance(items, range):
            _refuse_over(sum(len(str(item)) for item in items) + max(0, count - 1) * len(str(separator)), "join")


def _guard(name: str, filter_function: Callable) -> Callable:
    """``filter_function`` checked before it runs (where it can grow) and after (its result's size)."""
    pre = _FILTER_CHECKS.get(name)
    if pre is None:  # it can at most add its inputs together: its result is checked

        @wraps(filter_function)  # keeps Jinja's pass_context/pass_eval_context marker
        def checked(*args: Any, **kwargs: Any) -> Any:
            value = filter_function(*args, **kwargs)
            if isinstance(value, (str, list, tuple)) and len(value) > MAX_BUILT_SIZE:
                raise TooLarge(name)
            return value

        return checked
    passed = 1 if getattr(filter_function, "jinja_pass_arg", None) is not None else 0  # the context first

    @wraps(filter_function)
    def checked_first(*args: Any, **kwargs: Any) -> Any:
        pre(*args[passed:], **kwargs)
        return bounded(filter_function(*args, **kwargs), name)

    return checked_first


def _check_replace_filter(value: Any = "", old: Any = "", new: Any = "", count: Any = None, **_: Any) -> None:
    check_replace(value, old, new, -1 if count is None else count)


def _check_format_filter(value: Any = "", *args: Any, **kwargs: Any) -> None:
    check_printf(str(value), kwargs or tuple(args))


def _check_count(value: Any = (), count: Any = 0, *_: Any, **__: Any) -> None:
    """``batch``/``slice`` pad to the count they are given."""
    if isinstance(count, int) and count > MAX_BUILT_SIZE:
        raise TooLarge("count")


def _check_tojson(value: Any = None, indent: Any = None, **_: Any) -> None:
    if isinstance(indent, int) and indent > 16:
        raise TooLarge("indent")


_FILTER_CHECKS: dict[str, Callable] = {
    "replace": _check_replace_filter, "format": _check_format_filter,
    "batch": _check_count, "slice": _check_count, "tojson": _check_tojson,
}


def guard_filters(filters: dict[str, Callable]) -> None:
    """Remove the filters documents never need and check every other one's size, in place."""
    for name in REMOVED_FILTERS:
        filters.pop(name, None)
    for name, function in list(filters.items()):
        filters[name] = _guard(name, function)
    filters["join"] = _join_filter(filters["join"])


def _join_filter(join: Callable) -> Callable:
    """``join`` measures its items first: a generator (``map``) is made a list, then checked."""

    @wraps(join)
    def checked(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> Any:
        items = materialized(value)
        check_join(items, d)
        return join(eval_ctx, items, d, attribute)

    return checked


def guard_globals(globals_: dict[str, Any]) -> None:
    """``lipsum(10**9)`` writes without bound: its counts are capped, in place."""
    lipsum = globals_.get("lipsum")
    if lipsum is None:
        return

    @wraps(lipsum)
    def limited(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:  # noqa: A002 - Jinja's names
        if any(isinstance(v, int) and v > MAX_LIPSUM for v in (n, min, max)):
            raise TooLarge("lipsum")
        return lipsum(n, html, min, max)

    globals_["lipsum"] = limited


class LimitedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``a ~ b`` checked: the result of a concatenation is bounded.

    ``~`` compiles to a direct call of ``markup_join``/``str_join``, which no sandbox
    hook sees; this wraps it in ``environment.bounded(...)``.
    """

    def visit_Concat(self, node, frame) -> None:  # noqa: N802 - Jinja's visitor naming
        self.write("environment.bounded(")
        super().visit_Concat(node, frame)
        self.write(")")
