"""Keep compiled templates in a private per-user folder, so a new process need not compile them.

Jinja compiles each template to Python code, ~25 ms a template: most of a cold
``beredskab generate``. Jinja's ``FileSystemBytecodeCache`` stores that code;
this module decides where, and when not to.

Security. The cache holds Python code that runs in this process. Whoever can
write into its folder can make beredskab run any code as the user, outside the
template sandbox: so the folder is the private one of ``cache_folder``, every file
is read and written relative to that open folder and read only when it is the user's
own (checked there: issue 18), and the files are written atomically, mode 0600.
Kept because it saves ~60 ms of the ~550 ms CPU of a cold ``beredskab generate``
(measured for issue 18); batch and the web server compile once per process anyway.
Jinja stores the checksum of each template's source with its code and compiles
again when the source changes (and when Jinja's or Python's bytecode version
changes); each file name starts with a signature of beredskab's version and of
the sandbox's settings (filters, tests, intercepted operators, options), so
code compiled under other rules is never used. Reading or writing the cache never
fails a command: a template that cannot be read from it is compiled.

With the code, each file keeps the names of the templates the template extends,
includes or imports (``PackSandbox.referenced``, which the audit manifest needs), so
a template read from the cache is not parsed either. Only Jinja's public cache API
is used (``BytecodeCache``, ``Bucket``): issue 19 measured that hooking Jinja's
private parse saved only a parse on the first run.
"""

from __future__ import annotations

import hashlib
import marshal

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from ..cache_folder import CACHE_ENV, PrivateFolder, cache_folder  # noqa: F401 - CACHE_ENV: tests set it
from ..version import __version__


def template_cache(environment) -> "TemplateCache | None":
    """The cache for ``environment`` (a PackSandbox), or None when it is off or its folder is not private."""
    folder = cache_folder()
    return None if folder is None else TemplateCache(folder, _signature(environment))


def _signature(environment) -> str:
    """A short hash of everything besides the source that shapes a template's compiled code."""
    env = environment
    settings = (
        __version__, jinja2.__version__, type(env).__module__, type(env).__qualname__, env.sandboxed,
        sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline, env.newline_sequence, env.optimized,
        env.is_async, repr(env.autoescape), env.undefined.__qualname__, env.finalize is not None,
        sorted(env.extensions), sorted(env.filters), sorted(env.tests), env.code_generator_class.__qualname__,
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache, writing and reading each template's references with its code,
    and never failing: an unreadable file means compile, an unwritable folder means no file."""

    def __init__(self, folder: PrivateFolder, signature: str):
        super().__init__(str(folder.path), f"{signature}-%s.cache")  # the path is shown, never opened
        self._folder = folder
        self._templates: dict[str, tuple] = {}  # cache key -> (name, file, source) of the template

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        self._templates[self.get_cache_key(name, filename)] = (name, filename, source)
        return super().get_bucket(environment, name, filename, source)

    def _file_name(self, bucket: Bucket) -> str:
        return self.pattern % bucket.key

    def load_bytecode(self, bucket: Bucket) -> None:
        file = self._folder.read(self._file_name(bucket))  # None: missing, a link, or not the user's own
        if file is None:
            return
        try:
            with file:
                bucket.load_bytecode(file)  # checks Jinja's magic and the source's checksum
                if bucket.code is None:
                    return
                references = marshal.load(file)
        except Exception:  # noqa: BLE001 - a damaged or foreign file: compile instead
            bucket.reset()
            return
        if not (isinstance(references, list) and all(r is None or isinstance(r, str) for r in references)):
            bucket.reset()
            return
        bucket.environment.references[self._templates[bucket.key][1]] = references

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.key not in self._templates:
            return
        name, filename, source = self._templates[bucket.key]

        def fill(file) -> None:
            references = bucket.environment.referenced(source, name, filename)  # parses only a new template
            bucket.write_bytecode(file)
            marshal.dump(references, file)

        try:
            self._folder.write(self._file_name(bucket), fill)
        except Exception:  # noqa: BLE001 - a full disk or a read-only folder: no cache, same result
            pass
