"""ANS validation errors as the engine's problems: the JSON path of the field, what was
expected there and what was found, with the line and column when the text is known.

Paths are written the way the engine writes every input path (``content_elements[3].
content``); the union tags the element models add (``<text>``) are left out, since they
are not in the document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import islice
from typing import Any

from pydantic import ValidationError

from layout.errors import Problem
from layout.locate import node_at

FOUND_ROOM = 60
PREVIEW = 4


def ans_problems(error: ValidationError, text: str | None) -> list[Problem]:
    """One problem per validation error of an ANS story."""
    problems = []
    for item in error.errors(include_url=False):
        steps, message = _located(item)
        node = node_at(text, steps) if text is not None else None
        problems.append(
            Problem(
                location=json_path(steps),
                message=message,
                line=node.start_mark.line + 1 if node is not None else None,
                column=node.start_mark.column + 1 if node is not None else None,
            )
        )
    return problems


def json_path(steps: Sequence[str | int]) -> str:
    """``["content_elements", 3, "content"]`` -> ``content_elements[3].content``."""
    path = ""
    for step in steps:
        path += f"[{step}]" if isinstance(step, int) else ("." if path else "") + step
    return path


def _located(item: Any) -> tuple[list[str | int], str]:
    """The document path of one error and its message."""
    steps = [s for s in item["loc"] if not (isinstance(s, str) and s.startswith("<"))]
    kind, found = item["type"], item.get("input")
    if kind == "union_tag_not_found":
        if not isinstance(found, dict):
            return steps, f"expected an object; found {describe(found)}"
        return [*steps, "type"], "required field is missing"
    if kind == "union_tag_invalid":
        expected = item["ctx"]["expected_tags"].replace("<", "").replace(">", "")
        return [*steps, "type"], f"expected one of {expected}; found {describe(found['type'])}"
    if kind == "string_pattern_mismatch":
        pattern = item["ctx"]["pattern"]
        return steps, f"expected a string matching {pattern}; found {describe(found)}"
    return steps, _message(kind, item["msg"], found)


def _message(kind: str, message: str, found: Any) -> str:
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not expected here)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected an object; found {describe(found)}"
    message = message.removeprefix("Value error, ").removeprefix("Input should be ")
    if "; found" in message:
        return message
    if not message.startswith("expected"):
        message = "expected " + message[:1].lower() + message[1:]
    return f"{message}; found {describe(found)}"


def describe(value: Any) -> str:
    """A found value as JSON, cut short: an object or list shows its first few entries
    only, so a huge element costs no more to describe than a small one."""
    if isinstance(value, dict):
        value = {str(k): _leaf(v) for k, v in islice(value.items(), PREVIEW)}
    elif isinstance(value, list):
        value = [_leaf(v) for v in value[:PREVIEW]]
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= FOUND_ROOM else text[: FOUND_ROOM - 3] + "..."


def _leaf(value: Any) -> Any:
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list):
        return "[...]"
    return value[:FOUND_ROOM] if isinstance(value, str) else value
