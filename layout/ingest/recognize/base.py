"""What a recognizer is: a named, pure function from an element (and where it stands) to
block data, or None when the element is not its kind."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from lxml import etree

from layout.ingest.wordpress import WordPressBlock

Element = etree._Element
BlockData = dict[str, Any]
Found = BlockData | list[BlockData] | None


@dataclass(frozen=True)
class Context:
    """Where an element stands: the WordPress block it is the content of (its comment's
    attributes), a way to read the blocks of a part of it (a cover's text) and a way to
    report what was kept without being understood."""

    wordpress: WordPressBlock | None
    walk: Callable[[Element], list[BlockData]]
    report: Callable[[str, str], None]

    def in_block(self, *names: str) -> bool:
        return self.wordpress is not None and self.wordpress.name in names


class Recognizer(NamedTuple):
    """One rule of the table: its name (for listing and tests), the tags it looks at and
    the function that decides."""

    name: str
    tags: frozenset[str]
    recognize: Callable[[Element, Context], Found]


def rule(name: str, tags: str, recognize: Callable[[Element, Context], Found]) -> Recognizer:
    return Recognizer(name, frozenset(tags.split()), recognize)


_NO_CLASSES: Final[frozenset[str]] = frozenset()


def classes(element: Element) -> frozenset[str]:
    value = element.get("class")
    return frozenset(value.split()) if value else _NO_CLASSES


ALIGN_CLASSES: Final = {
    "alignleft": "left",
    "aligncenter": "center",
    "alignright": "right",
    "alignwide": "wide",
    "alignfull": "full",
    "has-text-align-left": "left",
    "has-text-align-center": "center",
    "has-text-align-right": "right",
    "has-text-align-justify": "justify",
}


def alignment(element: Element) -> str | None:
    """The CMS's alignment of a block, from its classes (``alignright``,
    ``has-text-align-center``) or a WordPress figure's wrapper. With several, the first in
    ``ALIGN_CLASSES`` wins (the block's place in the column before its text's), whatever
    their order in the attribute."""
    names = classes(element)
    if not names:
        return None
    return next((value for name, value in ALIGN_CLASSES.items() if name in names), None)


MEDIA_TAGS: Final = ("img", "iframe", "video", "audio", "table")


def holds_media(element: Element, *, besides: str = "") -> bool:
    """True when the element holds media (an image, frame, player or table) other than
    the kinds named in ``besides``: a rule that reads one kind of media must not take a
    figure that also holds another, which it would lose."""
    allowed = set(besides.split())
    return any(True for _ in element.iter(*(tag for tag in MEDIA_TAGS if tag not in allowed)))


def element_children(element: Element) -> list[Element]:
    return [child for child in element if isinstance(child.tag, str)]


def as_list(found: Found) -> list[BlockData]:
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


class RecognizerTable:
    """The rules in order, indexed by tag so an element meets only the rules for it."""

    def __init__(self, rules: Iterable[Recognizer]) -> None:
        self.rules = tuple(rules)
        self._by_tag: dict[str, tuple[Recognizer, ...]] = {}
        for tag in {tag for one in self.rules for tag in one.tags}:
            self._by_tag[tag] = tuple(one for one in self.rules if tag in one.tags)

    def names(self) -> list[str]:
        return [one.name for one in self.rules]

    def recognize(self, element: Element, context: Context) -> tuple[str, Found] | None:
        """The first rule's answer for the element, with the rule's name; None if no rule
        recognises it."""
        for one in self._by_tag.get(element.tag, ()):
            found = one.recognize(element, context)
            if found is not None:
                return one.name, found
        return None

    def without(self, *names: str) -> RecognizerTable:
        unknown = set(names) - set(self.names())
        if unknown:
            raise KeyError(f"no recognizer named {sorted(unknown)}")
        return RecognizerTable(one for one in self.rules if one.name not in names)
