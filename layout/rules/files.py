"""Reading rule sets: YAML or JSON text and files, every mistake reported with file, line
and column, the field path, what was expected and what was found."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from layout.development import is_development
from layout.errors import ConfigError, Problem
from layout.limits import document_problem, too_deep_problem
from layout.locate import node_at, problems_from_validation
from layout.rules.ruleset import RuleSet

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[1] / "defaults" / "news-default.yaml"


def parse_rules(text: str, *, source: str, development: bool | None = None) -> RuleSet:
    """A rule set from YAML or JSON text; ``source`` names it in errors.

    ``development`` (default: the process's mode) lets the rules name plain-http URLs."""
    data = _parse_document(text, source)
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        problem = Problem("", f"expected a mapping of rules; found {found}", line=1)
        raise ConfigError(source, [problem])
    try:
        rules = RuleSet.model_validate(data, context={"development": is_development(development)})
    except ValidationError as error:
        raise ConfigError(source, problems_from_validation(error, text)) from None
    duplicates = _duplicate_unit_ids(rules, text)
    if duplicates:
        raise ConfigError(source, duplicates)
    return rules


def _parse_document(text: str, source: str) -> Any:
    """JSON (which may indent with tabs) with the json module, anything else as YAML;
    never a document over the document limits (``limits.document_problem``)."""
    try:
        data = _parse_text(text, source)
    except RecursionError:
        raise ConfigError(source, [too_deep_problem()]) from None
    problem = document_problem(data)
    if problem is not None:
        raise ConfigError(source, [problem])
    return data


def _parse_text(text: str, source: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            problem = Problem(
                "", f"invalid JSON: {error.msg}", line=error.lineno, column=error.colno
            )
            raise ConfigError(source, [problem]) from None
        except ValueError as error:  # an integer of more digits than Python converts
            raise ConfigError(source, [Problem("", f"invalid JSON: {error}")]) from None
    try:
        return yaml.safe_load(text)
    except ValueError as error:  # a YAML integer of more digits than Python converts
        raise ConfigError(source, [Problem("", f"invalid YAML: {error}")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = Problem(
            "",
            f"invalid YAML: {getattr(error, 'problem', error)}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
        raise ConfigError(source, [problem]) from None


def _duplicate_unit_ids(rules: RuleSet, text: str) -> list[Problem]:
    """Each reuse of a unit id, pointing at the repeated id."""
    problems = []
    first: dict[str, int] = {}
    for index, unit in enumerate(rules.units):
        if unit.id not in first:
            first[unit.id] = index
            continue
        node = node_at(text, ["units", index, "id"])
        problems.append(
            Problem(
                f"units[{index}].id",
                f"expected a unique unit id; found {unit.id!r} "
                f"(already used by units[{first[unit.id]}])",
                line=node.start_mark.line + 1 if node is not None else None,
                column=node.start_mark.column + 1 if node is not None else None,
            )
        )
    return problems


def load_rules(path: str | Path | None = None, *, development: bool | None = None) -> RuleSet:
    """Load a rule file (YAML or JSON); without a path, the built-in default rule set."""
    path = Path(path) if path is not None else DEFAULT_RULES_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), [Problem("", "rule file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(
            str(path), [Problem("", f"cannot read the rule file ({error})")]
        ) from None
    return parse_rules(text, source=str(path), development=development)
