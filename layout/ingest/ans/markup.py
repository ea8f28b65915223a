"""Small text and markup helpers for the ANS mapping.

ANS mixes markup fields (a text element's ``content``, an image caption) with plain text
fields (headlines, a link's title, code). Plain text is escaped here before it enters a
markup field of the article; the article model sanitizes every markup field afterwards.
``flow_markup`` writes a block as markup, for elements nested where the article model
holds markup only (the paragraphs and images inside a quote).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from typing import Any

from layout.html.markup import markup_text
from layout.ingest.ans.models import Credits, Dictionary

_SLUG = re.compile(r"[^a-z0-9]+")


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def plain(markup: str) -> str:
    """The text of markup, for the article's plain text fields (an attribution)."""
    return markup_text(markup)


def basic(text: Dictionary | None) -> str | None:
    """The ``basic`` variant of headlines, subheadlines or a description, when not blank."""
    return text.basic if text is not None and text.basic.strip() else None


def credit_names(credits: Credits | None) -> list[str]:
    """The names of the authors in ``credits.by`` (references carry no name)."""
    if credits is None:
        return []
    found = (getattr(person, "name", None) for person in credits.by)
    return [name.strip() for name in found if isinstance(name, str) and name.strip()]


def join_names(names: Iterable[str]) -> str | None:
    """"A", "A and B", "A, B and C"; None for no names."""
    names = list(names)
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def slug(text: str | None, default: str) -> str:
    """A provider name as the article model's embeds use it: lowercase, dashed."""
    found = _SLUG.sub("-", (text or "").lower()).strip("-")[:40]
    return found or default


def humanize(name: str | None) -> str | None:
    """``my_custom_video`` -> ``my custom video``."""
    words = " ".join(re.split(r"[_\-\s]+", name or "")).strip()
    return words or None


def _attrs(**values: Any) -> str:
    return "".join(
        f' {name}="{escape(str(value))}"' for name, value in values.items() if value
    )


def _image(block: dict[str, Any]) -> str:
    picture = ""
    if block.get("src"):
        picture = f"<img{_attrs(src=block['src'], alt=block.get('alt') or '')}>"
        if block.get("link"):
            picture = f"<a{_attrs(href=block['link'])}>{picture}</a>"
    caption = block.get("caption") or ""
    if block.get("credit"):
        caption += f" <span>{escape(block['credit'])}</span>"
    caption = f"<figcaption>{caption}</figcaption>" if caption.strip() else ""
    return f"<figure>{picture}{caption}</figure>"


def _link(url: str | None, title: str) -> str:
    text = escape(title or url or "")
    return f"<p><a{_attrs(href=url)}>{text}</a></p>" if url else f"<p>{text}</p>"


def _media(block: dict[str, Any]) -> str:
    sources = [source["src"] for source in block.get("sources", [])]
    url = sources[0] if sources else block.get("src")
    caption = f"<p>{block['caption']}</p>" if block.get("caption") else ""
    return _link(url, block.get("title") or block["kind"].title()) + caption


def _quote(block: dict[str, Any]) -> str:
    cite = block.get("attribution")
    footer = f"<p><cite>{escape(cite)}</cite></p>" if cite else ""
    return f"<blockquote>{block['html']}{footer}</blockquote>"


def _list(block: dict[str, Any]) -> str:
    tag = "ol" if block.get("ordered") else "ul"
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in block["items"]) + f"</{tag}>"


def _note(block: dict[str, Any]) -> str:
    label = f"<strong>{escape(block['label'])}:</strong> " if block.get("label") else ""
    return f"<p>{label}{block['html']}</p>"


_FLOW: dict[str, Callable[[dict[str, Any]], str]] = {
    "paragraph": lambda b: f"<p>{b['html']}</p>",
    "heading": lambda b: f"<h{b['level']}>{b['html']}</h{b['level']}>",
    "preformatted": lambda b: f"<pre><code>{b['html']}</code></pre>",
    "note": _note,
    "quote": _quote,
    "list": _list,
    "image": _image,
    "gallery": lambda b: "".join(_image(image) for image in b["images"]),
    "table": lambda b: b["html"],
    "html": lambda b: b["html"],
    "embed": lambda b: b["html"] or _link(b.get("url"), b.get("title") or ""),
    "related": lambda b: _link(b.get("url"), b["title"]),
    "video": _media,
    "audio": _media,
    "divider": lambda b: "<hr>",
}


def flow_markup(blocks: Iterable[dict[str, Any]]) -> str:
    """Blocks written as one piece of block markup, in order."""
    return "".join(_FLOW[block["kind"]](block) for block in blocks)
