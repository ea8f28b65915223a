"""ANS content elements -> article blocks: a literal table from element type to the one
small function that converts it.

Every converter returns a list of block dicts (most one block; an element group its
children's; an element with nothing to show none) for ``article_from_data`` to validate
and sanitize. An element type the table does not list is kept as its visible text, and
reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

from layout.html.repair import clean_inline_html
from layout.ingest.ans import element_models as ans
from layout.ingest.ans import media
from layout.ingest.ans.context import Context
from layout.ingest.ans.markup import escape, flow_markup, humanize, plain, slug
from layout.ingest.ans.models import Reference
from layout.ingest.media_urls import player_block

Block = dict[str, Any]
Converter = Callable[[Any, Context], list[Block]]
LANGUAGE = re.compile(r"[A-Za-z0-9_+#.\-]{1,40}")
_READABLE: Final = ("content", "text", "title", "caption", "description", "headline")


def convert_all(elements: Sequence[Any], ctx: Context) -> list[Block]:
    """The blocks of ``elements``, in order."""
    blocks: list[Block] = []
    base = ctx.position
    for element in elements:
        ctx.at(base + len(blocks))
        blocks += convert(element, ctx)
    ctx.at(base)
    return blocks


def convert(element: Any, ctx: Context) -> list[Block]:
    converter = CONVERTERS.get(element.type, unknown)
    return converter(element, ctx)


def text(element: ans.Text, ctx: Context) -> list[Block]:
    return [{"kind": "paragraph", "html": element.content, "align": element.alignment}]


def header(element: ans.Header, ctx: Context) -> list[Block]:
    level = min(max(element.level or 2, 1), 6)
    return [{"kind": "heading", "html": element.content, "level": level,
             "align": element.alignment}]


def blockquote(element: ans.Blockquote, ctx: Context) -> list[Block]:
    return [{"kind": "quote", "html": element.content, "align": element.alignment}]


def quote(element: ans.Quote, ctx: Context) -> list[Block]:
    """A quote of several elements; ANS's pull quote is the subtype ``pullquote``."""
    with ctx.inside_block():
        inner = flow_markup(convert_all(element.content_elements, ctx))
    cite = plain(element.citation.content) if element.citation is not None else ""
    return [{"kind": "quote", "html": inner, "attribution": cite or None,
             "pull": element.subtype == "pullquote", "align": element.alignment}]


def code(element: ans.Code, ctx: Context) -> list[Block]:
    language = element.language if LANGUAGE.fullmatch(element.language) else None
    return [{"kind": "preformatted", "variant": "code", "language": language,
             "html": escape(element.content)}]


def correction(element: ans.Correction, ctx: Context) -> list[Block]:
    label = (humanize(element.correction_type) or "correction").capitalize()
    return [{"kind": "note", "label": label[:200], "html": escape(element.text)}]


def endorsement(element: ans.Endorsement, ctx: Context) -> list[Block]:
    return [{"kind": "note", "html": f"<strong>{escape(element.endorsement)}</strong>"}]


def numeric_rating(element: ans.NumericRating, ctx: Context) -> list[Block]:
    """"4.5 out of 5 stars"; a scale that does not start at 0 is named whole."""
    said = f"{element.numeric_rating:g}"
    if element.max is not None and element.min not in (None, 0):
        said += f" on a scale of {element.min:g} to {element.max:g}"
    elif element.max is not None:
        said += f" out of {element.max:g}"
    if element.units:
        said += f" {element.units}"
    return [{"kind": "note", "label": "Rating", "html": escape(said)}]


def raw_html(element: ans.RawHtml, ctx: Context) -> list[Block]:
    return [{"kind": "html", "html": element.content}]


def divider(element: ans.Divider, ctx: Context) -> list[Block]:
    return [{"kind": "divider"}]


def content_zone(element: ans.ContentZone, ctx: Context) -> list[Block]:
    """A zone where a page may place other content: it holds nothing of its own."""
    return []


def interstitial_link(element: ans.InterstitialLink, ctx: Context) -> list[Block]:
    return [{"kind": "related", "url": element.url, "title": element.content}]


def link_list(element: ans.LinkList, ctx: Context) -> list[Block]:
    """A box of links: its title as a heading, then the links as a list."""
    items = [
        f'<a href="{escape(item.url)}">{escape(item.content)}</a>'
        if isinstance(item, ans.InterstitialLink) else clean_inline_html(item.content)
        for item in element.items
    ]
    heading = [{"kind": "heading", "level": 3, "html": escape(element.title)}
               ] if element.title else []
    return [*heading, {"kind": "list", "items": items}]


def list_element(element: ans.ListElement, ctx: Context) -> list[Block]:
    return [{"kind": "list", "ordered": element.list_type == "ordered",
             "items": _list_items(element)}]


def _list_items(element: ans.ListElement) -> list[str]:
    """A nested list goes inside the item before it (in ANS it is that item's sibling);
    each text is sanitized alone, so no markup of one can close another's item."""
    items: list[str] = []
    for item in element.items:
        if isinstance(item, ans.Text):
            items.append(clean_inline_html(item.content))
            continue
        tag = "ol" if item.list_type == "ordered" else "ul"
        nested = "".join(f"<li>{child}</li>" for child in _list_items(item))
        markup = f"<{tag}>{nested}</{tag}>"
        if items:
            items[-1] += markup
        else:
            items.append(markup)
    return items


def table(element: ans.Table, ctx: Context) -> list[Block]:
    def row(cells: list[ans.Text], tag: str) -> str:
        return "<tr>" + "".join(
            f"<{tag}>{clean_inline_html(cell.content)}</{tag}>" for cell in cells) + "</tr>"

    head = f"<thead>{row(element.header, 'th')}</thead>" if element.header else ""
    body = "".join(row(cells, "td") for cells in element.rows)
    return [{"kind": "table", "html": f"<table>{head}<tbody>{body}</tbody></table>"}]


def element_group(element: ans.ElementGroup, ctx: Context) -> list[Block]:
    return convert_all(element.content_elements, ctx)


def oembed_response(element: ans.OembedResponse, ctx: Context) -> list[Block]:
    """A third-party post as its provider described it (the model vets its markup)."""
    raw = element.raw_oembed or {}
    referent = element.referent.id if element.referent is not None else None
    url = next((u for u in (raw.get("url"), referent) if _is_web_url(u)), None)
    name = element.subtype or _string(raw.get("provider_name"))
    title = _string(raw.get("title")) or ""
    player = player_block(url) if url else None
    if player is not None:  # a video or podcast: its player's card, not the provider's markup
        return [{**player, "title": title[:500]}]
    return [{"kind": "embed", "provider": slug(name, "oembed"), "url": url,
             "html": _string(raw.get("html")) or "", "title": title[:500]}]


def custom_embed(element: ans.CustomEmbed, ctx: Context) -> list[Block]:
    """An embed only the publisher's own front end renders: a card linking to it."""
    config = element.embed.config.model_extra if element.embed.config is not None else {}
    readable = (_string((config or {}).get(key)) for key in _READABLE)
    title = next((t for t in readable if t), None) or humanize(element.subtype)
    return [{"kind": "related", "url": element.embed.url, "title": title or element.embed.url}]


def reference(element: Reference, ctx: Context) -> list[Block]:
    """An element the source left as a reference: a card when it points at a web page
    (an unresolved tweet), else nothing to show, and reported."""
    referent = element.referent
    if _is_web_url(referent.id):
        host = urlsplit(referent.provider or referent.id).hostname or ""
        name = host.split(".")[-2] if host.count(".") else referent.type
        return [{"kind": "embed", "provider": slug(name, "link"), "url": referent.id}]
    ctx.report(f"a reference to {referent.type or 'content'} "
               f"{referent.id[:80]!r} the source did not resolve: nothing to show",
               in_block=bool(ctx.nested))
    return []


def unknown(element: Any, ctx: Context) -> list[Block]:
    """An element type this engine does not know: its markup ``content`` or its readable
    text and links, kept as a raw block, and reported."""
    fields = element.model_extra or {}
    kept = _string(fields.get("content")) or " ".join(
        f"<p>{escape(found)}</p>" for key in _READABLE[1:] if (found := _text_of(fields, key)))
    links = [u for key in ("url", "link") if isinstance(u := fields.get(key), str)
             and _is_web_url(u)]
    kept += "".join(f'<p><a href="{escape(u)}">{escape(u)}</a></p>' for u in links)
    what = f"an element of type {element.type[:60]!r} the engine does not read"
    ctx.report(what + (": kept as its text" if kept else ": nothing to show"),
               in_block=bool(kept) or bool(ctx.nested))
    return [{"kind": "html", "html": kept}] if kept else []


def _text_of(fields: dict[str, Any], key: str) -> str | None:
    value = fields.get(key)
    if isinstance(value, dict):
        value = value.get("basic")
    return _string(value)


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _is_web_url(value: Any) -> bool:
    return isinstance(value, str) and value.lower().startswith(("https://", "http://"))


CONVERTERS: Final[dict[str, Converter]] = {
    "text": text,
    "header": header,
    "blockquote": blockquote,
    "quote": quote,
    "code": code,
    "correction": correction,
    "endorsement": endorsement,
    "numeric_rating": numeric_rating,
    "raw_html": raw_html,
    "divider": divider,
    "content_zone": content_zone,
    "interstitial_link": interstitial_link,
    "link_list": link_list,
    "list": list_element,
    "table": table,
    "element_group": element_group,
    "oembed_response": oembed_response,
    "custom_embed": custom_embed,
    "reference": reference,
    "image": media.image,
    "gallery": media.gallery,
    "video": media.video,
    "audio": media.audio,
}
