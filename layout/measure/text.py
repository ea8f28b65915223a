"""The text a block's measurements read: its lines as a reader sees them, and its words.

Two ways to the same text. ``plain_text`` reads it off a block's markup, which is what a
block given as JSON has. Ingest's walk has the parsed element in hand when it keeps a
paragraph's markup, and ``element_text`` reads the text from it in one call into lxml
instead of reading the markup a second time; the block keeps it (``BlockText``), so
measuring the article for each device reads it once. A test holds the two equal on every
paragraph of the samples and the corpus.
"""

from __future__ import annotations

import re
from html import unescape

from lxml import etree

from layout.html.markup import text_of

# A tag, with its attributes' quoted values: lxml writes ``>`` raw inside a URL. Written
# as runs of plain characters between quoted values (not one alternation per character),
# which Python's engine matches in a third less time.
_TAG = re.compile(r"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
_PRE = re.compile(r"<pre\b.*?</pre>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>|</(?:p|li|tr|dd|dt|h\d|div)>", re.IGNORECASE)


# A block's text for measuring and its word count: lines joined by ``\n`` (a line break,
# a block's end), each line's white space collapsed (``plain_text``). A plain tuple of a
# string and a number: every paragraph of a cached article keeps one, and the garbage
# collector stops scanning exact tuples of such values (never a named tuple's instances).
BlockText = tuple[str, int]


def plain_text(html: str) -> str:
    """Markup -> text with line breaks at block boundaries (for counting, not display).

    Each run of white space becomes one space, within and across tags, and a line has
    none at its ends, as a browser lays text out; unlike a browser, no-break spaces
    count as white space too, and a <pre> inside the markup keeps its lines but not its
    runs of spaces (a preformatted block is read by ``preformatted_text``). Only block
    ends and <br> start a new line.
    """
    if "<pre" in html:
        html = _PRE.sub(lambda pre: pre.group(0).replace("\n", "<br>"), html)
    # A newline in the source is white space like any other; only the breaks end a line.
    text = _lines(html.replace("\n", " ") if "\n" in html else html)
    if "\n" in text:
        return "\n".join(" ".join(line.split()) for line in text.split("\n"))
    return " ".join(text.split())


def preformatted_text(html: str) -> str:
    """The text of preformatted markup, set as ``white-space: pre-wrap`` sets it: spaces
    kept, a line ended by each newline and <br>, and a newline at the very end ending the
    last line rather than starting another."""
    text = _lines(html)
    return text[:-1] if text.endswith("\n") else text


def _lines(html: str) -> str:
    """The markup's text, a newline for each break (<br>, a block's end), the tags
    taken out and the character references read."""
    text = html
    if "<" in text:
        if "</" in text or "<br" in text:
            text = _BREAK.sub("\n", text)
        text = _TAG.sub("", text)
    return unescape(text) if "&" in text else text


def block_text_of(html: str, *, preformatted: bool = False) -> BlockText:
    """``plain_text`` (or ``preformatted_text``) with its word count."""
    text = preformatted_text(html) if preformatted else plain_text(html)
    return text, len(text.split())


def element_text(element: etree._Element) -> BlockText | None:
    """The ``BlockText`` of an element of phrasing content, read from the parsed tree:
    the same as ``block_text_of`` its markup. None when the element holds a line break
    (its lines are read from the markup then)."""
    if next(element.iter("br"), None) is not None:
        return None
    text = text_of(element)  # one space between words, none at the ends
    return text, text.count(" ") + 1 if text else 0
