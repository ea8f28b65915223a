"""Page metadata built from the plan: description and NewsArticle JSON-LD.

Everything here reads the plan's visible blocks only, so a reader who is shown a teaser gets
structured data and meta tags built from the teaser.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from layout.article import Article
from layout.blocks import Video
from layout.html.providers import player_url
from layout.measure.sizes import block_text
from layout.plan import LayoutPlan
from layout.rules import Paywall

# Each as its JSON escape; replaced one after the other (a pass in C each, where
# ``str.translate`` with a table goes through Python per character).
_SCRIPT_ESCAPES = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def script_json(data: Any) -> Markup:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' can close it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for character, escaped in _SCRIPT_ESCAPES:
        if character in text:
            text = text.replace(character, escaped)
    return Markup(text)


def description(plan: LayoutPlan, limit: int = 160) -> str:
    """The dek, or the opening of the first visible paragraph, cut at a word boundary."""
    if plan.article.dek:
        text = plan.article.dek
    else:
        paragraphs = (
            b for b in plan.shown_blocks if b.kind == "paragraph"
        )
        first = next(paragraphs, None)
        text = " ".join(block_text(first).split()) if first is not None else ""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def news_article(plan: LayoutPlan, paywall: Paywall | None = None,
                 summary: str | None = None) -> dict[str, Any]:
    """schema.org NewsArticle for the page, from what this reader may see; with the
    paywall's subscription product, the article is part of it (``isPartOf``, as Google's
    paywalled-content and Subscribe with Google markup name it). ``summary`` is the
    plan's ``description`` when the caller has made it already."""
    article = plan.article
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": description(plan) if summary is None else summary,
        "inLanguage": article.lang,
    }
    if article.url:
        data["mainEntityOfPage"] = article.url
        data["url"] = article.url
    if article.published:
        data["datePublished"] = article.published.isoformat()
    if article.updated:
        data["dateModified"] = article.updated.isoformat()
    if article.byline:
        data["author"] = [{"@type": "Person", "name": article.byline}]
    if article.hero and article.hero.src:
        data["image"] = [article.hero.src]
    if article.section:
        data["articleSection"] = article.section
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.comment_count is not None:
        data["commentCount"] = article.comment_count
    if article.comments_url:
        data["discussionUrl"] = article.comments_url
    data["wordCount"] = plan.visible_words
    data["isAccessibleForFree"] = plan.access.mode == "free"
    gated = plan.gated_selector
    if gated:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": gated,
        }
    if paywall is not None and paywall.product_id and data["isAccessibleForFree"] is False:
        data["isPartOf"] = {
            "@type": ["CreativeWork", "Product"],
            "name": paywall.product_name or paywall.product_id.split(":", 1)[0],
            "productID": paywall.product_id,
        }
    return data


def video_object(video: Video, article: Article) -> Markup:
    """schema.org VideoObject for a video card, as script-safe JSON."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": video.title or article.headline,
    }
    if video.poster:
        data["thumbnailUrl"] = [video.poster]
    if video.duration is not None:
        data["duration"] = f"PT{video.duration // 60}M{video.duration % 60}S"
    player = player_url(video.provider, video.video_id, video.src)
    if player is not None:
        data["embedUrl"] = player
    if article.published:
        data["uploadDate"] = article.published.isoformat()
    return script_json(data)
