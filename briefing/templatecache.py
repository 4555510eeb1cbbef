"""Compiled Jinja templates kept between builds: the theme's templates and every page's.

Every build compiles Material's ``base.html`` and its partials afresh, and
mkdocs-macros compiles every page as a template, although neither changes
from one build to the next. Compiling is Jinja's most expensive step (lexing,
parsing, generating Python and compiling it); loading the compiled code back
is a small fraction of it. Two hooks into Jinja keep the compiled code in the
:class:`~briefing.buildcache.BuildCache`:

- the theme's environment and the engine's own (``briefing/templates``) get
  a :class:`jinja2.BytecodeCache` (Jinja checks each template's source
  checksum itself);
- the macros' environment gets a ``compile`` that looks a page's source up
  first (:func:`cache_page_compiles`); within one ``mkdocs serve`` session the
  code objects also stay in memory.

Compiled code depends on the environment's syntax and options, its
extensions and the names of its filters and tests (Jinja checks those at
compile time), on Jinja's and Python's versions: all of it is part of every
key (:func:`environment_signature`), so a different environment never gets
another's code.
"""

from __future__ import annotations

import marshal
import sys
from collections.abc import Callable
from types import CodeType
from typing import Any

import jinja2
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.utils import _PassArg

from briefing.buildcache import BuildCache, digest

PAGE_KIND = "jinja-pages"
TEMPLATE_KIND = "jinja-templates"
_MEMORY_LIMIT = 4096
_in_memory: dict[str, CodeType] = {}


def _name(value: Any) -> str:
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


def _pass_arg(function: Any) -> str:
    """What Jinja passes a filter or test besides its arguments (context, environment...): decided at compile time."""
    return str(_PassArg.from_obj(function))


def environment_signature(environment: Environment) -> str:
    """Everything besides the source that the code Jinja compiles depends on, as one digest (once per environment)."""
    known = getattr(environment, "_briefing_signature", None)
    if isinstance(known, str):
        return known
    parts: list[str] = [
        jinja2.__version__,
        sys.version,
        type(environment).__qualname__,
        _name(environment.code_generator_class),
        repr(
            (
                environment.block_start_string,
                environment.block_end_string,
                environment.variable_start_string,
                environment.variable_end_string,
                environment.comment_start_string,
                environment.comment_end_string,
                environment.line_statement_prefix,
                environment.line_comment_prefix,
                environment.trim_blocks,
                environment.lstrip_blocks,
                environment.newline_sequence,
                environment.keep_trailing_newline,
                environment.optimized,
                environment.is_async,
                environment.sandboxed,
                sorted(getattr(environment, "intercepted_binops", ())),
                sorted(getattr(environment, "intercepted_unops", ())),
            )
        ),
        _name(environment.autoescape),
        _name(environment.finalize),
        _name(environment.undefined),
        _name(environment.concat),
        repr(sorted(f"{name}:{_name(type(extension))}" for name, extension in environment.extensions.items())),
        repr(sorted((name, _pass_arg(function)) for name, function in environment.filters.items())),
        repr(sorted((name, _pass_arg(function)) for name, function in environment.tests.items())),
    ]
    signature = digest(*parts)
    environment._briefing_signature = signature  # type: ignore[attr-defined]
    return signature


class TemplateBytecodeCache(BytecodeCache):
    """Jinja's bytecode cache for templates from a loader (the theme's, the engine's), stored in the build cache."""

    def __init__(self, cache: BuildCache) -> None:
        self.cache = cache
        self._signatures: dict[int, str] = {}

    def _key(self, bucket: Bucket) -> str:
        environment = bucket.environment
        signature = self._signatures.get(id(environment))
        if signature is None:
            signature = self._signatures[id(environment)] = environment_signature(environment)
        return digest(signature, bucket.key, bucket.checksum)

    def load_bytecode(self, bucket: Bucket) -> None:
        parts = self.cache.get(TEMPLATE_KIND, self._key(bucket))
        if parts is not None:
            bucket.bytecode_from_string(parts["bytecode"])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.cache.put(TEMPLATE_KIND, self._key(bucket), {"bytecode": bucket.bytecode_to_string()})


def cache_loaded_templates(environment: Environment, cache: BuildCache) -> None:
    """Keep the compiled templates ``environment`` loads (MkDocs' theme, the engine's templates) in ``cache``."""
    if environment.bytecode_cache is None:
        environment.bytecode_cache = TemplateBytecodeCache(cache)


def cache_page_compiles(environment: Environment, cache: BuildCache) -> None:
    """Make ``environment.compile`` (used by ``from_string``) reuse code compiled from the same source before.

    Idempotent per environment. Only plain compiles of a source string are
    cached; a syntax error is raised as before and never stored.
    """
    if getattr(environment, "_briefing_compile_cache", None) is cache:
        return
    original: Callable[..., Any] = getattr(environment, "_briefing_original_compile", environment.compile)
    signature = environment_signature(environment)

    def compile(
        source: Any, name: str | None = None, filename: str | None = None, raw: bool = False, defer_init: bool = False
    ) -> Any:
        if raw or defer_init or name is not None or filename is not None or not isinstance(source, str):
            return original(source, name, filename, raw, defer_init)
        key = digest(signature, source)
        code = _in_memory.get(key)
        if code is not None:
            return code
        parts = cache.get(PAGE_KIND, key)
        if parts is not None:
            try:
                code = marshal.loads(parts["code"])  # noqa: S302 - an entry this user's builds wrote (HMAC-checked)
            except (ValueError, EOFError, TypeError):
                code = None
        if not isinstance(code, CodeType):
            code = original(source)
            cache.put(PAGE_KIND, key, {"code": marshal.dumps(code)})
        if len(_in_memory) >= _MEMORY_LIMIT:
            _in_memory.clear()
        _in_memory[key] = code
        return code

    environment._briefing_original_compile = original  # type: ignore[attr-defined]
    environment._briefing_compile_cache = cache  # type: ignore[attr-defined]
    environment.compile = compile  # type: ignore[method-assign]
