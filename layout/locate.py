"""Turn pydantic validation errors into problems that name line, column and field path.

JSON and YAML documents are both composed with PyYAML (JSON is read as YAML only for the
positions), so one function finds where a field path sits in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import yaml
from pydantic import ValidationError

from layout.blocks import BLOCK_KINDS
from layout.errors import Problem


def node_at(text: str, path: Sequence[str | int]) -> yaml.Node | None:
    """The YAML node at ``path`` (keys and list indexes), or the deepest one found; None
    when the text cannot be composed (positions are a help, never a new failure)."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        return None  # PyYAML composes recursively: a document nested too deep for it
    except yaml.YAMLError:
        if "\t" not in text:
            return None
        # JSON may indent with tabs, which YAML refuses; a space keeps every column.
        return node_at(text.replace("\t", " "), path)
    found = node
    for step in path:
        node = _child(node, step)
        if node is None:
            break
        found = node
    return found


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(step):
                return value  # type: ignore[no-any-return]
    in_range = isinstance(step, int) and 0 <= step < len(node.value) if node is not None else False
    if isinstance(node, yaml.SequenceNode) and in_range:
        child: yaml.Node = node.value[step]
        return child
    return None


def _describe_found(value: Any, room: int = 60) -> str:
    """The value as JSON, cut to ``room`` characters; built piece by piece, so a huge
    value (a YAML alias expanded a million times) costs no more than its first pieces."""
    if isinstance(value, list | tuple):
        parts = _first_pieces((_describe_found(item, room) for item in value), room)
        text = "[" + ", ".join(parts) + ("" if len(parts) == len(value) else ", ...") + "]"
    elif isinstance(value, dict):
        items = (f"{json.dumps(str(k), ensure_ascii=False)}: {_describe_found(v, room)}"
                 for k, v in value.items())
        parts = _first_pieces(items, room)
        text = "{" + ", ".join(parts) + ("" if len(parts) == len(value) else ", ...") + "}"
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= room else text[: room - 3] + "..."


def _first_pieces(pieces: Iterator[str], room: int) -> list[str]:
    kept, used = [], 0
    for piece in pieces:
        kept.append(piece)
        used += len(piece) + 2
        if used >= room:
            break
    return kept


def _field_path(location: Sequence[str | int]) -> str:
    """``blocks.3.paragraph.html`` -> ``blocks[3].html`` (drops union tags)."""
    parts: list[str] = []
    for step in location:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        elif parts and parts[-1].startswith("[") and not step.isidentifier():
            continue
        else:
            parts.append(("." if parts else "") + step)
    return "".join(parts)


def problems_from_validation(error: ValidationError, text: str | None) -> list[Problem]:
    """One problem per pydantic error, with position when the source text is known."""
    problems = []
    for item in error.errors(include_url=False):
        location = _without_union_tags(item["loc"])
        node = node_at(text, location) if text is not None else None
        problems.append(
            Problem(
                location=_field_path(location),
                message=_expected_found(item),
                line=node.start_mark.line + 1 if node is not None else None,
                column=node.start_mark.column + 1 if node is not None else None,
            )
        )
    return problems


def _without_union_tags(location: Sequence[str | int]) -> list[str | int]:
    """Drop the tag pydantic adds after a list index for a discriminated union member."""
    kept: list[str | int] = []
    for position, step in enumerate(location):
        in_blocks = position > 1 and location[position - 2] == "blocks"
        if in_blocks and isinstance(location[position - 1], int) and _is_union_tag(step):
            continue
        kept.append(step)
    return kept


# The tags pydantic adds to a path inside a discriminated union (the block kinds), and
# the names of validator steps.
_UNION_TAGS = frozenset(BLOCK_KINDS) | {"function-after", "function-before", "function-plain"}


def _is_union_tag(step: str | int) -> bool:
    return isinstance(step, str) and step in _UNION_TAGS


def _expected_found(item: Any) -> str:
    kind = item["type"]
    message: str = item["msg"]
    if kind == "extra_forbidden":
        return "unknown field (not expected here)"
    if kind == "missing":
        return "required field is missing"
    if "input" in item and kind != "union_tag_invalid":
        return f"expected {_lower_first(message)}; found {_describe_found(item['input'])}"
    return message


def _lower_first(message: str) -> str:
    message = message.removeprefix("Input should be ").removeprefix("Value error, ")
    return message[:1].lower() + message[1:]
