"""Numbers read from untrusted text (HTML attributes, headers): parsed in one place, never
raising.

``str.isdigit`` accepts characters that ``int`` refuses (a superscript two) and ``int``
refuses digit strings over 4,300 characters: both once turned odd input into crashes.
"""

from __future__ import annotations

MAX_DIGITS = 18  # well inside a 64-bit integer, far above any real size or count


def ascii_int(text: str | None, *, maximum: int | None = None) -> int | None:
    """The value of a plain run of ASCII digits (surrounding whitespace allowed), or None
    for anything else, including a value over ``maximum``."""
    if text is None:
        return None
    digits = text.strip()
    if not digits or len(digits) > MAX_DIGITS or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if maximum is None or value <= maximum else None
