"""How many lines a text takes: each character's advance in the theme's serif, and
greedy wrapping that loses part of a word at each line end."""

from __future__ import annotations

import math
import zlib

GLYPH_WIDTH_EM = 0.52  # average advance of body text in the theme's serif (DejaVu Serif), in em
# The advance of each printable ASCII character in the theme's serif (DejaVu Serif Book), in
# thousandths of an em, as Chromium measures it: a text's own mix of narrow and wide
# letters sets how much of it fits on a line. Other characters count as the average.
_ADVANCES: dict[str, int] = {
    ' ': 318, '!': 402, '"': 460, '#': 838, '$': 636, '%': 950, '&': 890, "'": 275, '(': 390,
    ')': 390, '*': 500, '+': 838, ',': 318, '-': 338, '.': 318, '/': 337, '0': 636, '1': 636,
    '2': 636, '3': 636, '4': 636, '5': 636, '6': 636, '7': 636, '8': 636, '9': 636, ':': 337,
    ';': 337, '<': 838, '=': 838, '>': 838, '?': 536, '@': 1000, 'A': 722, 'B': 735, 'C': 765,
    'D': 802, 'E': 730, 'F': 694, 'G': 799, 'H': 872, 'I': 395, 'J': 401, 'K': 747, 'L': 664,
    'M': 1024, 'N': 875, 'O': 820, 'P': 673, 'Q': 820, 'R': 753, 'S': 685, 'T': 667, 'U': 843,
    'V': 722, 'W': 1028, 'X': 712, 'Y': 660, 'Z': 695, '[': 390, '\\': 337, ']': 390, '^': 838,
    '_': 500, '`': 500, 'a': 596, 'b': 640, 'c': 560, 'd': 640, 'e': 592, 'f': 370, 'g': 640,
    'h': 644, 'i': 320, 'j': 310, 'k': 606, 'l': 320, 'm': 948, 'n': 644, 'o': 602, 'p': 640,
    'q': 640, 'r': 478, 's': 513, 't': 402, 'u': 644, 'v': 565, 'w': 856, 'x': 564, 'y': 565,
    'z': 527, '{': 636, '|': 337, '}': 636, '~': 838,
}
_ADVANCE_TABLE = bytes(
    round(_ADVANCES.get(chr(byte), GLYPH_WIDTH_EM * 1000) / 10) for byte in range(256)
)
WRAP_LOSS_CHARS = 3  # characters a wrapped line loses on average (words do not split)
# Adler-32 sums bytes modulo 65521, starting from 1: a chunk of at most this many advances
# (each at most 103) sums below the modulus, so the checksum's low half is the exact sum.
_SUM_CHUNK = 600


def _byte_sum(data: bytes) -> int:
    """The sum of the bytes, in C: ``sum(data)`` makes a Python int of every byte."""
    if len(data) <= _SUM_CHUNK:
        return (zlib.adler32(data) & 0xFFFF) - 1
    return sum((zlib.adler32(data[start:start + _SUM_CHUNK]) & 0xFFFF) - 1
               for start in range(0, len(data), _SUM_CHUNK))


def glyph_width_em(text: str) -> float:
    """The average advance of the text's characters, in em (one pass in C: each
    character is mapped to its advance in hundredths of an em, and summed)."""
    if not text:
        return GLYPH_WIDTH_EM
    data = text.encode("latin-1", "replace").translate(_ADVANCE_TABLE)
    return _byte_sum(data) / (100 * len(data))


def line_count(text: str, width: float, font: float) -> int:
    """Lines of wrapped text; a line loses about half a word to wrapping."""
    if not text or text.isspace():
        return 0
    fits = max(1, int(width / (font * glyph_width_em(text))))
    per_line = max(1, fits - WRAP_LOSS_CHARS)  # a line that wraps loses part of a word
    if "\n" not in text:  # one line of text, as most blocks are
        return 1 if len(text) <= fits else math.ceil(len(text) / per_line)
    return sum(
        1 if len(part) <= fits else math.ceil(len(part) / per_line)
        for part in text.split("\n")
        if part and not part.isspace()
    )
