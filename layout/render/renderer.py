"""Jinja2 rendering of a plan: the theme lookup and the page and fragment outputs.

A publisher theme directory is searched before the default theme, so overriding one
template does not mean copying the rest. Autoescape is on everywhere and undefined names
fail loudly; the only markup passed through unescaped is what ``sanitize`` produced.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Final, TypeVar

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from layout.access.view import article_metadata
from layout.article import Article
from layout.blocks import BLOCK_KINDS
from layout.cache import ArticleMemo, FewKept
from layout.html.providers import (
    audio_player_url,
    frame_policy,
    player_url,
    provider_label,
)
from layout.measure.outline import outline_levels
from layout.plan import BlockItem, LayoutPlan, PlacedUnit, PlanItem, Wall
from layout.render.direct import UNIT_WRITERS, WRITERS, UnitWriter, Writer
from layout.render.structured import description, news_article, script_json, video_object
from layout.render.view import PageView
from layout.rules import Paywall
from layout.rules.units import OUT_OF_PAGE

V = TypeVar("V")
# Ad configurations kept per article: one per reader class and instance in use.
AD_CONFIGS_KEPT: Final = 16
# Page descriptions and JSON-LD kept per article: one per part shown and access mode.
PAGE_METADATA_KEPT: Final = 8

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # layout/, where the wheel puts templates/


def default_theme_dir() -> Path:
    """The default theme: inside the package when installed, beside it in a checkout."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


def mmss(seconds: int | None) -> str:
    """125 -> '2:05'; hours when needed."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def html_datetime(value: datetime) -> str:
    """A datetime as HTML's ``datetime`` attribute takes it: at most milliseconds (a CMS
    may store microseconds, which the attribute's grammar does not allow)."""
    return value.isoformat(timespec="milliseconds" if value.microsecond else "auto")


def make_environment(theme_dirs: Iterable[Path], *, sandboxed: bool) -> jinja2.Environment:
    """The theme's environment. A publisher's theme is ``sandboxed``: a template reaches
    only what its context gives it (no ``__class__`` or ``__globals__`` to climb to the
    rest of the process) and changes none of it; see ``access.view`` for what that context
    holds. The default theme alone is the engine's own code, and renders without the
    sandbox's check on every attribute it reads."""
    loader = jinja2.FileSystemLoader([str(path) for path in theme_dirs])
    kind = ImmutableSandboxedEnvironment if sandboxed else jinja2.Environment
    env = kind(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=True,
    )
    env.filters["mmss"] = mmss
    env.filters["provider_label"] = provider_label
    env.filters["html_datetime"] = html_datetime
    env.globals["player_url"] = player_url
    env.globals["audio_player_url"] = audio_player_url
    env.globals["frame_policy"] = frame_policy
    env.globals["video_json_ld"] = video_object
    return env


# The theme template of each block kind (a table, not a format per render).
BLOCK_TEMPLATES: Final = {kind: f"blocks/{kind}.html.j2" for kind in BLOCK_KINDS}


def _template_name(item: PlanItem) -> str:
    if isinstance(item, BlockItem):
        return BLOCK_TEMPLATES[item.block.kind]
    if isinstance(item, Wall):
        return f"units/paywall-{item.variant}.html.j2"
    template: str | None = item.data.get("template")
    return template or f"units/{item.kind}.html.j2"


def render_template(template: jinja2.Template, variables: dict[str, Any]) -> str:
    """Render a template of the theme to its markup (a plain string, as the direct writers
    give it: see ``direct``): every block, unit, page and fragment is rendered here.

    ``Template.render`` copies the template's globals, a ChainMap, into every new context,
    key by key in Python: for a template of one line that copy costs more than the
    rendering, and on a page it is a tenth of a repeat view. Here the context is built over
    a plain copy of the environment's globals, which is what ``render`` would build (no
    template here has globals of its own).
    """
    environment = template.environment
    context = template.new_context({**environment.globals, **variables}, shared=True)
    try:
        markup: str = environment.concat(template.root_render_func(context))
    except Exception:
        environment.handle_exception()  # re-raised with the template's own lines, as render does
    return markup


def _anchor(gap: int) -> str:
    """An invisible marker of a gap, for the preview's explain overlay."""
    return f'<template data-gap="{gap}"></template>\n'


class Renderer:
    """Renders plans with one theme; built once, safe to share between threads.

    Blocks and units are rendered once per live article and reused for every reader (see
    ``_ArticleMarkup``); the page and article templates, which see the reader and the
    plan, are rendered per plan.
    """

    def __init__(self, theme_dir: Path | None = None) -> None:
        dirs = [theme_dir] if theme_dir is not None else []
        self.env = make_environment([*dirs, default_theme_dir()], sandboxed=bool(dirs))
        # The stylesheet is static: rendered once per theme, not once per page.
        self.env.globals["page_css"] = Markup(self.env.get_template("page.css.j2").render())
        self._page = self.env.get_template("page.html.j2")
        self._fragment = self.env.get_template("article.html.j2")
        self._templates: dict[str, jinja2.Template] = {}
        # A kind's direct writer stands in for its template while the template is the
        # default theme's (``direct``): a theme's own template for the kind wins.
        self._writers = {
            kind: writer for kind, writer in WRITERS.items()
            if self._is_default(BLOCK_TEMPLATES[kind])
        }
        self._unit_writers = {
            name: writer for name, writer in UNIT_WRITERS.items() if self._is_default(name)
        }
        self._markup: ArticleMemo[_ArticleMarkup] = ArticleMemo()

    def template(self, name: str) -> jinja2.Template:
        """The theme's template of that name, looked up once (Jinja's own lookup makes
        a cache key and takes a lock on every call)."""
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        return template

    def _is_default(self, name: str) -> bool:
        found = self.template(name).filename
        return found is not None and Path(found) == default_theme_dir() / name

    def _article_markup(self, article: Article) -> _ArticleMarkup:
        return self._markup.get_or_make(
            article, None,
            lambda: _ArticleMarkup(self.template, self._writers, self._unit_writers, article),
        )

    def ad_config(self, plan: LayoutPlan, key: Hashable, make: Callable[[], V]) -> V:
        """The plan's ad configuration, made once per article and ``key`` (a few kept per
        article: an instance is the caller's choice, and may differ on every call)."""
        return self._article_markup(plan.article).ad_config(key, make)

    def _body(self, plan: LayoutPlan, items: Iterable[PlanItem],
              context: dict[str, Any]) -> tuple[Markup, Markup]:
        """The article body as HTML: the open part and the gated part (the gated part is
        only there for a reader entitled to it). With ``annotate``, every gap gets an
        anchor just before its first item (``end_anchor`` marks the end of the text)."""
        article = plan.article
        markup = self._article_markup(article)
        paywall = context.get("paywall")
        annotate = context["annotate"]
        gate = plan.access.gated_from if plan.gated_selector is not None else None
        open_parts: list[str] = []
        gated_parts: list[str] = []
        parts = open_parts
        last_gap = -1
        for item in items:
            if isinstance(item, BlockItem):
                gap = item.index
                if gate is not None and gap >= gate:
                    parts = gated_parts
                html: str = markup.block(article, gap)
            elif isinstance(item, PlacedUnit) and item.position in OUT_OF_PAGE:
                continue  # GPT makes an anchor's or an interstitial's container itself
            else:
                gap = item.gap
                html = markup.unit(item, paywall)
            if annotate and gap != last_gap:
                parts.append(_anchor(gap))
            last_gap = gap
            parts.append(html)
        return Markup("".join(open_parts)), Markup("".join(gated_parts))

    def _page_metadata(self, plan: LayoutPlan, paywall: object) -> dict[str, Any]:
        """The page's description and its schema.org JSON-LD, made once per article and
        reader class (see ``_ArticleMarkup.page_metadata``)."""
        product = paywall if isinstance(paywall, Paywall) else None

        def make() -> tuple[str, Markup]:
            summary = description(plan)
            return summary, script_json(news_article(plan, product, summary))

        markup = self._article_markup(plan.article)
        summary, json_ld = markup.page_metadata(plan, product, make)
        return {"description": summary, "json_ld": json_ld}

    def context(self, plan: LayoutPlan, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        page = self._page_metadata(plan, (extra or {}).get("paywall"))
        view = PageView.of(plan)
        context = {
            "article": view.article,
            "viewer": plan.viewer,
            "plan": view,
            "page": page,
            "annotate": False,
            **(extra or {}),
        }
        context["body"], context["gated_body"] = self._body(plan, view.items, context)
        context["end_anchor"] = Markup(_anchor(plan.visible_blocks)) if context["annotate"] else ""
        return context

    def page(self, plan: LayoutPlan, extra: dict[str, Any] | None = None) -> str:
        return render_template(self._page, self.context(plan, extra))

    def fragment(self, plan: LayoutPlan, extra: dict[str, Any] | None = None) -> str:
        return render_template(self._fragment, self.context(plan, extra))


class _ArticleMarkup:
    """The rendered HTML of one article's blocks and units, each made on first use.

    Block templates see ``block``, ``level`` and ``article``; unit templates see ``unit``
    (or ``wall``), ``article`` and ``paywall``, where ``article`` is the article's
    metadata without its blocks. Neither sees the reader or another block, which is what
    lets one rendering serve every reader. A unit is looked up by its id and gap (a wall
    by its value) and reused only for an equal unit, so a reader's own meter notice is
    rendered anew whenever its count differs.

    It is kept for as long as its article lives, so it must never refer to the article
    (that would keep it alive for good): the article is passed to each block's call, and
    what is kept of it is a copy of its metadata, which the unit templates get.
    """

    def __init__(self, templates: Callable[[str], jinja2.Template],
                 writers: dict[str, Writer], unit_writers: dict[str, UnitWriter],
                 article: Article) -> None:
        self._templates = templates
        self._writers = writers
        self._unit_writers = unit_writers
        self._levels = outline_levels(article.blocks)
        # What block and unit templates get as ``article``: the same for every reader.
        self._metadata = article_metadata(article)
        self._blocks: dict[int, str] = {}
        self._units: dict[object, tuple[PlacedUnit | Wall, object, str]] = {}
        self._ad_configs: FewKept[Hashable, Any] = FewKept(AD_CONFIGS_KEPT)
        self._page_metadata: FewKept[Hashable, tuple[Paywall | None, str, Markup]] = (
            FewKept(PAGE_METADATA_KEPT))

    def ad_config(self, key: Hashable, make: Callable[[], V]) -> V:
        value: V = self._ad_configs.get_or_make(key, make)
        return value

    def page_metadata(self, plan: LayoutPlan, product: Paywall | None,
                      make: Callable[[], tuple[str, Markup]]) -> tuple[str, Markup]:
        """What ``make`` gives for the plan: the page's description and JSON-LD, which read
        the article, the blocks the reader sees (their count), the access mode, whether the
        gated part is on the page, and the paywall's product: readers equal in those get
        the same. The product is named by its identity, which the entry keeps it alive
        for, so no other object can take it over."""
        key = (plan.visible_blocks, plan.access.mode, plan.gated_selector, id(product))
        _, summary, json_ld = self._page_metadata.get_or_make(
            key, lambda: (product, *make()))
        return summary, json_ld

    def block(self, article: Article, index: int) -> str:
        markup = self._blocks.get(index)
        if markup is None:
            block = article.blocks[index]
            level = self._levels.get(index, 0)
            writer = self._writers.get(block.kind)
            if writer is not None:
                markup = writer(block, level)
            else:
                template = self._templates(BLOCK_TEMPLATES[block.kind])
                variables = {"block": block, "level": level, "article": self._metadata}
                markup = render_template(template, variables)
            self._blocks[index] = markup
        return markup

    def unit(self, item: PlacedUnit | Wall, paywall: object) -> str:
        # A unit's HTML is a function of its value, the article and the paywall: an equal
        # unit (or wall) at the same place renders the same. The identity test first keeps
        # the common case, a placement the engine reused, to one comparison.
        key = (item.id, item.gap) if isinstance(item, PlacedUnit) else item
        entry = self._units.get(key)
        if entry is None or entry[1] is not paywall or not (entry[0] is item or entry[0] == item):
            entry = self._units[key] = (item, paywall, self._render(item, paywall))
        return entry[2]

    def _render(self, item: PlacedUnit | Wall, paywall: object) -> str:
        name = _template_name(item)
        if isinstance(item, PlacedUnit):
            writer = self._unit_writers.get(name)
            if writer is not None:
                return writer(item)
        template = self._templates(name)
        unit = item if isinstance(item, PlacedUnit) else None
        wall = item if isinstance(item, Wall) else None
        context = {"unit": unit, "wall": wall, "article": self._metadata, "paywall": paywall}
        return render_template(template, context)
