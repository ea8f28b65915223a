"""Block and ad markup the default theme writes without a template context.

Rendering a one-line template costs a new Jinja context per block, more than the writing;
paragraphs and headings are most of an article's blocks. Each writer here gives the very
bytes of its default template (``templates/blocks/KIND.html.j2``), which a test checks on
every block of the samples and the corpus. The renderer uses a writer only while the
theme's template for the kind is the default one: a theme that overrides the template wins.

A writer returns a plain string of markup (it escapes what it puts in): the renderer keeps
each block's markup for as long as its article lives, and a ``Markup`` string, unlike a
``str``, is an object the garbage collector scans.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from markupsafe import escape

from layout.blocks import Block, Heading, Image, ListBlock, Paragraph
from layout.plan import PlacedUnit

Writer = Callable[[Block, int], str]
UnitWriter = Callable[[PlacedUnit], str]


def _align(block: Paragraph | Heading) -> str:
    return f' class="align-{escape(block.align)}"' if block.align else ""


def image(block: Block, level: int) -> str:
    """``blocks/image.html.j2``: the figure, the image (in its link) and the caption."""
    assert isinstance(block, Image)
    align = f" align-{escape(block.align)}" if block.align else ""
    parts = [f'<figure class="figure{align}">\n']
    if block.src:
        size = (f' width="{block.width}" height="{block.height}"'
                if block.width and block.height else "")
        img = (f'<img src="{escape(block.src)}" alt="{escape(block.alt)}"{size}'
               ' loading="lazy" decoding="async">')
        if block.link:
            img = f'<a href="{escape(block.link)}">{img}</a>'
        parts.append(img + "\n")
    if block.caption or block.credit:
        credit = f' <span class="credit">{escape(block.credit)}</span>' if block.credit else ""
        parts.append(f"<figcaption>{block.caption or ''}{credit}</figcaption>\n")
    parts.append("</figure>\n")
    return "".join(parts)


def paragraph(block: Block, level: int) -> str:
    assert isinstance(block, Paragraph)
    return f"<p{_align(block)}>{block.html}</p>\n"  # sanitized markup


def heading(block: Block, level: int) -> str:
    assert isinstance(block, Heading)
    return f"<h{level}{_align(block)}>{block.html}</h{level}>\n"  # sanitized markup


def listing(block: Block, level: int) -> str:
    assert isinstance(block, ListBlock)
    tag = "ol" if block.ordered else "ul"
    items = "".join(f"<li>{item}</li>\n" for item in block.items)  # sanitized markup
    return f'<{tag} class="list">\n{items}</{tag}>\n'


# The writer of each block kind that has one, by kind.
WRITERS: Final[dict[str, Writer]] = {
    "paragraph": paragraph, "heading": heading, "list": listing, "image": image,
}


def ad_unit(unit: PlacedUnit) -> str:
    """``units/ad.html.j2``: the slot with its label and the frame that reserves its
    height per device (an article has several ads, each rendered once per placement)."""
    data = unit.data
    label = escape(data["label"])
    heights = "".join(f"--h-{escape(device)}: {escape(height)}px;"
                      for device, height in data["frame_heights"].items())
    return (
        f'<aside class="ad-slot ad-slot-{escape(unit.position)}" aria-label="{label}" '
        f'data-unit="{escape(unit.unit)}" data-slot="{escape(unit.id)}">\n'
        f'<p class="ad-label">{label}</p>\n'
        f'<div class="ad-frame" id="{escape(unit.slot_id)}" style="{heights}"></div>\n'
        "</aside>\n"
    )


# The default template a unit writer stands in for, and the writer.
UNIT_WRITERS: Final[dict[str, UnitWriter]] = {
    "units/ad.html.j2": ad_unit,
}
