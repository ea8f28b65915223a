"""What every rule model shares: strict fields, and the check of the URLs a rule set puts
on the page (https only, http in development)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo

from layout.blocks import BlockKind
from layout.development import is_development
from layout.html.urls import rule_url_problem

UnitKind = Literal["ad", "promo", "video", "related"]
BlockKindName = BlockKind
Size = tuple[Annotated[int, Field(gt=0, le=2000)], Annotated[int, Field(gt=0, le=2000)]]


class RuleModel(BaseModel):
    """Every rule model: unknown keys are mistakes, and a rule set never changes."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def development_of(info: ValidationInfo) -> bool:
    """Whether the rules are read for development (``parse_rules(development=...)``);
    rules built in code follow the process's development mode."""
    context = info.context or {}
    return is_development(context.get("development"))


def checked_url(value: str, info: ValidationInfo, *, relative: bool) -> str:
    problem = rule_url_problem(value, development=development_of(info), relative=relative)
    if problem is not None:
        raise ValueError(problem)
    return value
