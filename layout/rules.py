"""Rule sets: which units exist, where they may go, and the paywall, as pydantic models.

Rule files are YAML or JSON. Unknown keys are rejected, and every mistake is reported with
file, line and column, the field path, what was expected and what was found.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from layout.article import BlockKind
from layout.development import is_development
from layout.errors import ConfigError, Problem
from layout.html.urls import HOSTNAME, library_url_problem, rule_url_problem
from layout.limits import document_problem, too_deep_problem
from layout.locate import node_at, problems_from_validation
from layout.measure.sizes import DEFAULT_DEVICES, DeviceProfile
from layout.viewer import Device

UnitKind = Literal["ad", "promo", "video", "related"]
BlockKindName = BlockKind
Size = tuple[Annotated[int, Field(gt=0, le=2000)], Annotated[int, Field(gt=0, le=2000)]]
DEFAULT_RULES_PATH = Path(__file__).resolve().parent / "defaults" / "news-default.yaml"


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _development(info: ValidationInfo) -> bool:
    """Whether the rules are read for development (``parse_rules(development=...)``);
    rules built in code follow the process's development mode."""
    context = info.context or {}
    return is_development(context.get("development"))


def _checked_url(value: str, info: ValidationInfo, *, relative: bool) -> str:
    problem = rule_url_problem(value, development=_development(info), relative=relative)
    if problem is not None:
        raise ValueError(problem)
    return value


class Distance(_Rule):
    """A distance along the article; every field given must be met."""

    words: int | None = Field(None, ge=0)
    paragraphs: int | None = Field(None, ge=0)
    blocks: int | None = Field(None, ge=0)
    pixels: int | None = Field(None, ge=0)
    viewports: float | None = Field(None, ge=0)


class At(_Rule):
    """A target position: after paragraph N (from the top or the end), or at P% of words."""

    after_paragraph: int | None = Field(None, ge=1)
    from_end: bool = False
    percent: float | None = Field(None, gt=0, lt=100)

    @model_validator(mode="after")
    def _one_target(self) -> At:
        if (self.after_paragraph is None) == (self.percent is None):
            raise ValueError("exactly one of after_paragraph or percent")
        return self


class KeepOut(_Rule):
    last_words: int | None = Field(None, ge=0)
    last_paragraphs: int | None = Field(None, ge=0)


class MinArticle(_Rule):
    words: int | None = Field(None, ge=0)
    paragraphs: int | None = Field(None, ge=0)


class Avoid(_Rule):
    """Block kinds a unit must not follow (``after``), precede (``before``) or touch."""

    after: list[BlockKindName] = Field(default_factory=list)
    before: list[BlockKindName] = Field(default_factory=list)
    next_to: list[BlockKindName] = Field(default_factory=list)
    shift: int = Field(1, ge=0, le=10, description="gaps to try down, then up, for `at`")


class Spacing(_Rule):
    """Minimum distance to other units: copies of the same unit, the same kind, any unit."""

    same_unit: Distance | None = None
    same_kind: Distance | None = None
    any_unit: Distance | None = None


class Targeting(_Rule):
    """Who and what a unit is for; an empty list means no restriction."""

    audiences: list[Literal["anonymous", "registered", "subscriber"]] = Field(default_factory=list)
    devices: list[Literal["mobile", "desktop"]] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    exclude_sections: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    exclude_tags: list[str] = Field(default_factory=list)


class VideoItem(_Rule):
    """A playlist video: the player is built from the provider and the id."""

    provider: Literal["youtube", "vimeo", "dailymotion"]
    video_id: str = Field(pattern=r"^[\w-]{1,64}$")
    title: str
    duration: int | None = Field(None, ge=0)
    poster: str | None = None

    @field_validator("poster")
    @classmethod
    def _web_image(cls, value: str | None, info: ValidationInfo) -> str | None:
        return value if value is None else _checked_url(value, info, relative=True)


class Link(_Rule):
    """A link the page shows (a promo's action, a related card): https, or a site path."""

    url: str
    title: str

    @field_validator("url")
    @classmethod
    def _web_link(cls, value: str, info: ValidationInfo) -> str:
        return _checked_url(value, info, relative=True)


class Unit(_Rule):
    """One unit definition; a unit may be placed several times (copies ``mid-1``, ``mid-2``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")
    kind: UnitKind
    position: Literal["in_content", "top", "bottom", "rail"] = "in_content"
    priority: int = Field(0, description="higher is placed first; ties keep file order")
    # ads
    ad_unit: str | None = Field(None, pattern=r"^/\d+(/[\w.\-]+)+$")
    sizes: dict[Literal["mobile", "desktop"], list[Size]] = Field(default_factory=dict)
    targeting: dict[str, str] = Field(default_factory=dict)
    label: str = "Advertisement"
    lazy: bool = True
    # promos
    template: str | None = Field(None, pattern=r"^[\w./-]+\.j2$")
    heading: str | None = None
    text: str | None = None
    action: Link | None = None
    height: dict[Literal["mobile", "desktop"], int] = Field(default_factory=dict)
    # video and related cards
    source: Literal["article", "playlist"] | None = None
    playlist: list[VideoItem] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    # where
    at: At | None = None
    start: Distance | None = None
    every: Distance | None = None
    spacing: Spacing | None = None
    max: int = Field(1, ge=0, le=50)
    min_article: MinArticle | None = None
    keep_out: KeepOut | None = None
    min_paragraph_words: int | None = Field(None, ge=0)
    avoid: Avoid = Field(default_factory=Avoid)
    only: Targeting = Field(default_factory=Targeting)

    @model_validator(mode="after")
    def _consistent(self) -> Unit:
        if self.kind == "ad" and not self.ad_unit:
            raise ValueError("an ad unit needs `ad_unit` (its Google Ad Manager path)")
        if self.kind == "ad" and not self.sizes:
            raise ValueError("an ad unit needs `sizes` for at least one device")
        if self.kind == "video" and self.source is None:
            raise ValueError("a video unit needs `source`: article or playlist")
        if self.source == "playlist" and not self.playlist:
            raise ValueError("`source: playlist` needs a non-empty `playlist`")
        if self.kind == "related" and not self.links:
            raise ValueError("a related unit needs `links`")
        if self.position != "in_content" and (self.at or self.every or self.start):
            raise ValueError(f"a `{self.position}` unit takes no at/start/every")
        return self


class GlobalSpacing(_Rule):
    between_units: Distance | None = None


class Density(_Rule):
    max_ad_ratio: float = Field(0.30, gt=0, le=1)


class Ads(_Rule):
    library_hosts: list[str] = Field(
        default_factory=list,
        description="hosts added to the built-in allowlist of ad-library script hosts",
    )
    library: str | None = Field(
        "https://securepubads.g.doubleclick.net/tag/js/gpt.js",
        description="the ad library script URL (an allowed host), or null: the page loads it",
    )
    single_request: bool = True
    brand_safety_off: list[str] = Field(
        default_factory=lambda: ["tragedy", "adult", "violence"],
        description="article brand-safety tags that switch all ads off",
    )

    @field_validator("library_hosts")
    @classmethod
    def _host_names(cls, hosts: list[str]) -> list[str]:
        for host in hosts:
            if len(host) > 253 or not HOSTNAME.fullmatch(host):
                raise ValueError(f"lower-case host names such as cdn.example.com; {host!r} is not")
        return hosts

    @field_validator("library")
    @classmethod
    def _library_allowed(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The library becomes a script on every page: only from an allowed host."""
        if value is None:
            return None
        hosts = info.data.get("library_hosts", [])
        problem = library_url_problem(value, development=_development(info), extra_hosts=hosts)
        if problem is not None:
            raise ValueError(problem)
        return value


class Meter(_Rule):
    limit: int = Field(10, ge=0, le=1000)
    period: Literal["month", "week", "day"] = "month"


class Preview(_Rule):
    paragraphs: int | None = Field(None, ge=1)
    words: int | None = Field(None, ge=1)
    percent: float | None = Field(None, gt=0, lt=100)

    @model_validator(mode="after")
    def _one(self) -> Preview:
        if sum(v is not None for v in (self.paragraphs, self.words, self.percent)) != 1:
            raise ValueError("exactly one of paragraphs, words or percent")
        return self


class Paywall(_Rule):
    mode: Literal["free", "metered", "registration", "hard"] = "free"
    preview: Preview = Field(default_factory=lambda: Preview(paragraphs=3))
    meter: Meter = Field(default_factory=Meter)
    fade: bool = True


class RuleSet(_Rule):
    """A complete rule set (``layout schema rules`` prints its JSON Schema)."""

    version: Literal[1]
    name: str = Field(pattern=r"^[\w.-]{1,60}$")
    description: str | None = None
    devices: dict[Device, DeviceProfile] = Field(default_factory=lambda: dict(DEFAULT_DEVICES))
    units: list[Unit] = Field(default_factory=list)
    spacing: GlobalSpacing = Field(default_factory=GlobalSpacing)
    density: Density = Field(default_factory=Density)
    ads: Ads = Field(default_factory=Ads)
    paywall: Paywall = Field(default_factory=Paywall)

    def device(self, name: Device) -> DeviceProfile:
        return self.devices.get(name) or DEFAULT_DEVICES[name]


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
