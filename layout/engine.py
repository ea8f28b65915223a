"""The engine: one object built once, whose ``render`` runs the whole pipeline.

    article -> measure -> access -> place -> plan -> render

The engine holds only immutable state (the rule set, the compiled templates), so one
instance serves many renders from many threads.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Final, Literal

import jinja2
from markupsafe import Markup

from layout.access.meter import encode_meter, utc_now
from layout.access.policy import CACHE_HEADERS
from layout.access.secret import resolve_meter_secret
from layout.article import Article
from layout.development import is_development
from layout.errors import ConfigError, InputError, Problem
from layout.limits import DEFAULT_LIMITS, Limits, over_limit
from layout.pipeline import PlanMemos, build_plan
from layout.place.checks import CHECKS
from layout.place.ruler import Ruler
from layout.plan import INSTANCE, LayoutPlan
from layout.render.adconfig import ad_config, ad_config_key, ad_libraries, load_bootstrap
from layout.render.renderer import Renderer
from layout.render.structured import script_json
from layout.rules import RuleSet, load_rules
from layout.viewer import Viewer

OutputFormat = Literal["html", "fragment", "json"]


# A content-security-policy nonce: base64 (or base64url) characters, as a page's header
# would carry it.
NONCE: Final = re.compile(r"[A-Za-z0-9+/_=-]{16,128}")

@dataclass(frozen=True)
class RenderResult:
    """What a render returns: the HTML (empty for JSON), the plan and the reader's state.

    ``cache_headers`` is the Cache-Control / Vary advice for ``cache_class``: a CDN may keep
    one copy per public class and must never keep a personal one.
    """

    html: str
    layout_plan: LayoutPlan
    meter_token: str | None
    cache_class: str
    cache_headers: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage: plan, html

    @cached_property
    def plan(self) -> dict[str, Any]:
        """The plan JSON (built on first use: an HTML response does not pay for it)."""
        return self.layout_plan.to_json()


class Engine:
    """Renders articles for viewers under one rule set and one theme.

    ``checks`` is the table of placement checks (``place.checks.CHECKS``; leave one out
    by name with ``CHECKS.without(name)``). Metering signs the reader's meter token with
    ``meter_secret`` (or the ``LAYOUT_METER_SECRET`` environment variable). Without one,
    an engine whose rules meter refuses to start unless ``development`` is on (or
    ``LAYOUT_DEV=1``), where a fixed, public development secret is used.
    """

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        templates: str | Path | None = None,
        meter_secret: str | None = None,
        development: bool | None = None,
        limits: Limits = DEFAULT_LIMITS,
        checks: Ruler = CHECKS,
    ) -> None:
        self.rules = rules if rules is not None else load_rules()
        self.renderer = Renderer(Path(templates) if templates is not None else None)
        # The ad stack's bootstrap, embedded in every page and fragment with ads.
        self._ad_bootstrap = Markup(load_bootstrap())
        self._check_unit_templates()
        self.limits = limits
        self.development = is_development(development)
        self.meter_secret = resolve_meter_secret(self.rules, meter_secret, self.development)
        self.checks = checks
        self._memos = PlanMemos()

    def _check_unit_templates(self) -> None:
        """A unit naming a template the theme does not have is a configuration error."""
        problems = []
        for index, unit in enumerate(self.rules.units):
            if unit.template is None:
                continue
            try:
                self.renderer.env.get_template(unit.template)
            except jinja2.TemplateNotFound:
                problems.append(
                    Problem(
                        f"units[{index}].template",
                        f"expected a template of the theme; found {unit.template!r}",
                    )
                )
            except jinja2.TemplateError as error:
                problems.append(
                    Problem(
                        f"units[{index}].template",
                        f"the template {unit.template!r} is broken: {error}",
                    )
                )
        if problems:
            raise ConfigError(f"rules {self.rules.name}", problems)

    def plan(
        self, article: Article, viewer: Viewer, *, now: datetime | None = None,
        instance: str | None = None,
    ) -> LayoutPlan:
        """The layout plan for one reader, without rendering HTML. ``instance`` prefixes
        the element ids of the article's ad slots and ad configuration, so that several
        articles (fragments) can share one page; by default it comes from the article's
        id (``plan.instance_prefix``)."""
        if instance is not None and not INSTANCE.fullmatch(instance):
            expected = "1 to 64 ASCII letters, digits, '_' or '-', from a letter or digit"
            raise InputError("instance", [Problem("", f"expected {expected}; found {instance!r}")])
        return build_plan(
            article,
            viewer,
            self.rules,
            self.meter_secret,
            now or utc_now(),
            self.limits,
            self._memos,
            self.checks,
            instance,
        )

    def theme_context(self, plan: LayoutPlan, nonce: str | None = None) -> dict[str, Any]:
        config, libraries = self.renderer.ad_config(
            plan, ad_config_key(plan), lambda: self._ad_config(plan)
        )
        return {
            "csp_nonce": nonce,
            "ad_config": config,
            "ad_libraries": libraries,
            "ad_bootstrap": self._ad_bootstrap,
            "paywall": self.rules.paywall,
        }

    def _ad_config(self, plan: LayoutPlan) -> tuple[Markup | None, str]:
        """The page's ad configuration as script JSON, and the libraries it loads."""
        config = ad_config(plan, self.rules)
        if config is None:
            return None, "[]"
        return script_json(config), json.dumps(ad_libraries(plan, self.rules))

    def render(
        self,
        article: Article,
        viewer: Viewer | None = None,
        format: OutputFormat = "html",
        *,
        now: datetime | None = None,
        annotate: bool = False,
        instance: str | None = None,
        nonce: str | None = None,
    ) -> RenderResult:
        """Render ``article`` for ``viewer`` as a page, a fragment or the plan JSON.

        ``annotate`` adds invisible gap anchors for the preview's explain overlay;
        ``instance`` is the prefix of the render's element ids (see ``plan``); ``nonce``
        is the page's content-security-policy nonce, which every script the page runs
        carries (and the scripts the ad stack loads)."""
        started = time.perf_counter()
        if nonce is not None and not NONCE.fullmatch(nonce):
            expected = "16 to 128 base64 characters"
            raise InputError("nonce", [Problem("", f"expected {expected}; found {nonce!r}")])
        plan = self.plan(article, viewer or Viewer(), now=now, instance=instance)
        planned = time.perf_counter()
        if format == "json":
            html = ""
        else:
            extra = {**self.theme_context(plan, nonce), "annotate": annotate}
            render = self.renderer.page if format == "html" else self.renderer.fragment
            try:
                html = render(plan, extra)
            except (jinja2.TemplateError, RecursionError) as error:
                problem = Problem(
                    "", f"the theme failed to render: {type(error).__name__}: {error}"
                )
                raise ConfigError("theme", [problem]) from None
        elapsed = time.perf_counter() - started
        if elapsed > self.limits.time_budget_seconds:
            raise over_limit(
                article.id,
                "the render time in seconds",
                round(elapsed, 2),
                self.limits.time_budget_seconds,
            )
        access = plan.access
        token = None
        if access.meter is not None and self.meter_secret is not None:
            token = encode_meter(access.meter, self.meter_secret, keeping=plan.viewer.meter)
        return RenderResult(
            html=html,
            layout_plan=plan,
            meter_token=token,
            cache_class=access.cache_class,
            cache_headers=dict(CACHE_HEADERS[access.cache_class]),
            timings={"plan": planned - started, "html": elapsed - (planned - started)},
        )
