"""An ANS story -> an :class:`Article`: the entry point, and the story's metadata.

The story is validated first (``story_model``), so a broken document fails with the path
of its first fault and nothing of it is mapped; the mapping then only reads typed values.
What it builds is plain article data, which ``article_from_data`` validates and sanitizes
like any article JSON.
"""

from __future__ import annotations

import re
from typing import Any, Final

from pydantic import ValidationError

from layout.article import Article, article_from_data
from layout.errors import InputError
from layout.ingest.ans.context import Context
from layout.ingest.ans.elements import convert_all, correction
from layout.ingest.ans.markup import basic, credit_names, join_names
from layout.ingest.ans.media import image_block
from layout.ingest.ans.media_models import Image
from layout.ingest.ans.problems import ans_problems
from layout.ingest.ans.story_model import Section, Story
from layout.locate import problems_from_validation

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
RTL_LANGUAGES: Final = frozenset({"ar", "dv", "fa", "he", "ps", "ur", "yi"})
# Content codes (``content_restrictions.content_code``) by the access they mean. Codes
# are each publisher's own; one that is not listed is read as premium: a story its
# publisher restricted in a way not understood here stays behind the wall (a free story
# walled by mistake shows; a paid one given away does not come back).
ACCESS_CODES: Final = {
    "free": "free", "open": "free", "public": "free", "none": "free", "unlocked": "free",
    "metered": "metered", "meter": "metered", "registered": "metered",
    "registration": "metered",
    "premium": "premium", "paid": "premium", "subscriber": "premium",
    "subscription": "premium", "hard": "premium", "locked": "premium",
}


def article_from_ans(
    data: Any, *, source: str, default_id: str = "article", text: str | None = None
) -> Article:
    """The article of an ANS story (decoded JSON). ``source`` names it in errors, the
    story's ``_id`` is its id (else ``default_id``) and ``text``, when given, is the JSON
    text, for line numbers in errors."""
    try:
        story = Story.model_validate(data)
    except ValidationError as error:
        raise InputError(source, ans_problems(error, text)) from None
    ctx = Context()
    blocks = convert_all(story.content_elements, ctx)
    for note in story.corrections:
        ctx.at(len(blocks))
        blocks += correction(note, ctx)
    article = {**story_metadata(story, default_id), "blocks": blocks, "reports": ctx.reports}
    try:
        return article_from_data(article)
    except ValidationError as error:  # a value ANS allows and the article model does not
        raise InputError(source, problems_from_validation(error, None)) from None


def story_metadata(story: Story, default_id: str) -> dict[str, Any]:
    """The article's metadata fields; absent ones are left to the model's defaults."""
    article_id = (story.id or "").strip()[:200] or default_id
    dek, description = basic(story.subheadlines), basic(story.description)
    lang = _language(story.language)
    found = {
        "id": article_id,
        "headline": basic(story.headlines) or article_id,
        "dek": dek or description,
        "summary": [description] if dek and description and description != dek else [],
        "byline": _byline(story),
        "section": _section(story),
        "tags": [tag.text for tag in story.taxonomy.tags if tag.text.strip()]
        if story.taxonomy else [],
        "published": story.display_date or story.publish_date or story.first_publish_date,
        "updated": story.last_updated_date,
        "lang": lang,
        "dir": "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr",
        "hero": _hero(story),
        "url": _url(story),
        "access": _access(story),
    }
    return {key: value for key, value in found.items() if value is not None}


def _byline(story: Story) -> str | None:
    names = join_names(credit_names(story.credits))
    if names:
        return names
    original = (story.additional_properties or {}).get("original")
    byline = original.get("byline") if isinstance(original, dict) else None
    return byline.strip() if isinstance(byline, str) and byline.strip() else None


def _section(story: Story) -> str | None:
    taxonomy = story.taxonomy
    if taxonomy is None:
        return None
    for section in (taxonomy.primary_section, *taxonomy.sections):
        if isinstance(section, Section) and section.name.strip():
            return section.name
    return None


def _hero(story: Story) -> dict[str, Any] | None:
    art = story.promo_items.basic if story.promo_items is not None else None
    return image_block(art) if isinstance(art, Image) else None


def _url(story: Story) -> str | None:
    """The canonical URL, else the URL of the story on its canonical website."""
    if story.canonical_url and story.canonical_url.strip():
        return story.canonical_url
    sites = story.websites if isinstance(story.websites, dict) else {}
    site = sites.get(story.canonical_website) if isinstance(story.canonical_website, str) else None
    site_url = site.get("website_url") if isinstance(site, dict) else None
    for candidate in (site_url, story.website_url):
        if isinstance(candidate, str) and candidate.strip():
            return candidate
    return None


def _language(language: str | None) -> str:
    tag = (language or "").strip().replace("_", "-")
    return tag if LANGUAGE_TAG.fullmatch(tag) else "en"


def _access(story: Story) -> str | None:
    restrictions = story.content_restrictions
    code = ((restrictions.content_code or "") if restrictions is not None else "").strip()
    if not code:
        return None  # no restriction given: the rules' default
    return ACCESS_CODES.get(code.lower(), "premium")
