"""Decision codes: the one vocabulary of what the solver did with a unit at a gap and why.

``DecisionCode`` lists every code; docs/decisions.md documents each (a test holds the two
together). Codes are kebab-case; the neighbour codes are ``after-KIND`` and ``before-KIND``
for each block kind.
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple, get_args

from layout.blocks import BLOCK_KINDS

Outcome = Literal["placed", "rejected", "skipped", "reported"]

DecisionCode = Literal[
    # placed
    "placed",
    "fixed-top",
    "fixed-bottom",
    "fixed-rail",
    "fixed-anchor",
    "fixed-interstitial",
    "editor-slot",
    # rejected, per gap
    "past-paywall",
    "before-start",
    "first-screen",
    "near-end",
    "short-paragraph",
    "occupied",
    "too-close",
    "too-close-kind",
    "too-close-any",
    "density-cap",
    "after-paragraph",
    "after-heading",
    "after-image",
    "after-quote",
    "after-list",
    "after-table",
    "after-embed",
    "after-video",
    "after-audio",
    "after-gallery",
    "after-preformatted",
    "after-pagebreak",
    "after-related",
    "after-html",
    "after-divider",
    "after-note",
    "after-slot",
    "before-paragraph",
    "before-heading",
    "before-image",
    "before-quote",
    "before-list",
    "before-table",
    "before-embed",
    "before-video",
    "before-audio",
    "before-gallery",
    "before-preformatted",
    "before-pagebreak",
    "before-related",
    "before-html",
    "before-divider",
    "before-note",
    "before-slot",
    # skipped, the whole unit
    "audience",
    "device",
    "section",
    "tag",
    "no-ads",
    "brand-safety",
    "no-video",
    "max-reached",
    "too-short",
    "no-size",
    "no-target",
    # reported by ingest, about the article's content
    "unknown-shortcode",
    "unknown-element",
    "dynamic-block",
]
DECISION_CODES: Final[frozenset[str]] = frozenset(get_args(DecisionCode))


def format_message(text: str, values: tuple[object, ...]) -> str:
    """A decision's message for people: ``text`` with ``values`` put in its ``{}`` fields.

    The solver records the two apart and every rejected gap is a decision, while the
    message is read only by explain, the plan JSON's decisions and the preview: it is made
    when read. A text without values is the message as it is (braces and all)."""
    return text.format(*values) if values else text


class Verdict(NamedTuple):
    """Why a check refuses: its code, and its message (``layout explain``) as a format
    text and the values for it (``format_message``)."""

    code: DecisionCode
    text: str
    values: tuple[object, ...] = ()

    @property
    def message(self) -> str:
        return format_message(self.text, self.values)


def _neighbour_codes(side: str) -> dict[str, DecisionCode]:
    codes: dict[str, DecisionCode] = {}
    for kind in BLOCK_KINDS:
        code = f"{side}-{kind}"
        assert code in DECISION_CODES, f"{code} is missing from DecisionCode"
        codes[kind] = code  # type: ignore[assignment]
    return codes


# The neighbour codes by block kind: ``AFTER["heading"]`` is "after-heading".
AFTER: Final = _neighbour_codes("after")
BEFORE: Final = _neighbour_codes("before")
FIXED: Final[dict[str, DecisionCode]] = {
    "top": "fixed-top",
    "bottom": "fixed-bottom",
    "rail": "fixed-rail",
    "anchor": "fixed-anchor",
    "interstitial": "fixed-interstitial",
}
