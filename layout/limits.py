"""Input limits: what the engine accepts before it refuses with a clear error.

Each limit protects the server from one kind of input (a huge body, an absurd block count,
nesting deep enough to exhaust the parser or the stack, a render that would run too long).
Exceeding one raises :class:`LimitError` (CLI exit 2, HTTP 413 or 422), never a hang, an
out-of-memory or silently lost text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from layout.errors import InputError, Problem
from layout.html.markup import DepthProbe

# Ingest walks nested wrappers recursively, two frames a level: 250 levels leave room for
# a caller hundreds of frames deep within the default recursion limit of 1,000.
MAX_SUPPORTED_DEPTH = 250

# The HTTP API's default limit on a request body (``layout serve --body-limit``). It lives
# here, beside the engine's own limits, so that the CLI reads it without importing FastAPI.
DEFAULT_BODY_LIMIT = 5 * 1024 * 1024

# JSON (and YAML) documents: an article nests about four levels, a rule set about six.
# Deeper input is refused where it is read, so that nothing after (pydantic's errors, the
# position lookup, a re-encoding) meets a stack-deep structure. YAML aliases make a tiny
# file stand for a huge document (each alias is the whole anchored value again): the
# values a document holds once expanded are counted too, and bounded far above any real
# article (50,000 blocks of a few values each) or rule set.
MAX_DOCUMENT_DEPTH = 64
MAX_DOCUMENT_VALUES = 2_000_000


class LimitError(InputError):
    """An input over one of the configured limits."""


@dataclass(frozen=True)
class Limits:
    max_html_bytes: int = 5 * 1024 * 1024
    max_blocks: int = 50_000
    max_depth: int = 200
    time_budget_seconds: float = 10.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= MAX_SUPPORTED_DEPTH:
            raise ValueError(f"max_depth must be between 1 and {MAX_SUPPORTED_DEPTH}")

    @cached_property
    def depth_probe(self) -> DepthProbe:
        """The test of a tree against ``max_depth``, compiled once for these limits."""
        return DepthProbe(self.max_depth)


DEFAULT_LIMITS = Limits()


def document_problem(
    value: Any, depth: int = MAX_DOCUMENT_DEPTH, values: int = MAX_DOCUMENT_VALUES
) -> Problem | None:
    """Why decoded JSON or YAML is refused, or None: lists and mappings nested more than
    ``depth`` deep, or more than ``values`` values once aliases are expanded. Walked with
    a stack of its own (no depth can exhaust Python's) and stopped at the budget (no
    alias can make it run long)."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    seen = 0
    while stack:
        item, level = stack.pop()
        if level > depth:
            return too_deep_problem(depth)
        children = item.values() if isinstance(item, dict) else item
        seen += len(children)
        if seen > values:
            return Problem("", f"the document holds more than {values:,} values (with its "
                               "aliases expanded)")
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return None


def too_deep_problem(limit: int = MAX_DOCUMENT_DEPTH) -> Problem:
    """The problem of a document too deep for the decoder itself to read."""
    return Problem("", f"the document nests lists and mappings more than {limit} levels deep")


def over_limit(source: str, what: str, found: float, limit: float) -> LimitError:
    return LimitError(source, [Problem("", f"{what} is {found:g}, over the limit of {limit:g}")])
