"""Shortcodes: WordPress's ``[name attr="value"]`` in the text of a post. ``[ad]`` is the
editor's placement marker (an ad slot here; ``[ad unit="mid"]`` names the unit) and
``[ad no]`` turns ads off for the article; any other shortcode a paragraph consists of is
kept as the text it is and reported, since the plugin that would expand it is not here."""

from __future__ import annotations

import re
import shlex
from typing import Final

from layout.html.markup import text_of
from layout.ingest.recognize.base import BlockData, Context, Element
from layout.ingest.recognize.text import is_phrasing_only

_SHORTCODE: Final = re.compile(r"^\[([A-Za-z][\w-]{0,40})((?:\s[^\[\]]*)?)\]$")
_UNIT_ID: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The block that stands for ``[ad no]`` until ingest reads it off as the article's flag.
NO_ADS_MARK: Final = "no-ads-mark"
_OFF: Final = frozenset({"no", "off", "none", "false"})


def shortcode(element: Element, context: Context) -> BlockData | list[BlockData] | None:
    if not (element.text or "").lstrip().startswith("[") or not is_phrasing_only(element):
        return None
    text = text_of(element)
    found = _SHORTCODE.match(text) if text.startswith("[") else None
    if found is None:
        return None
    name, arguments = found.group(1).lower(), _arguments(found.group(2))
    if name in ("ad", "ads", "advert"):
        return _ad_marker(arguments)
    if name in ("noads", "no-ads", "no_ads"):
        return {"kind": NO_ADS_MARK}
    context.report("unknown-shortcode", f"the shortcode [{name}] is kept as text")
    return None  # the paragraph rule keeps the text


def _ad_marker(arguments: list[str]) -> BlockData:
    if any(word.lower() in _OFF for word in arguments):
        return {"kind": NO_ADS_MARK}
    named = dict(word.split("=", 1) for word in arguments if "=" in word)
    unit = named.get("unit") or named.get("id") or "ad"
    return {"kind": "slot", "unit": unit if _UNIT_ID.match(unit) else "ad"}


def _arguments(text: str) -> list[str]:
    try:
        return shlex.split(text.replace("\u201c", '"').replace("\u201d", '"'))
    except ValueError:
        return text.split()
