"""Text widths: the advance sum taken in C is the exact sum, for any text and length."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from layout.measure.lines import _ADVANCE_TABLE, GLYPH_WIDTH_EM, glyph_width_em, line_count


@given(st.text(max_size=5000))
def test_glyph_width_is_the_mean_of_the_characters_advances(text):
    data = text.encode("latin-1", "replace").translate(_ADVANCE_TABLE)
    expected = sum(data) / (100 * len(data)) if data else GLYPH_WIDTH_EM
    assert glyph_width_em(text) == expected


def test_a_long_run_of_the_widest_character_is_summed_exactly():
    widest = chr(max(range(256), key=lambda byte: _ADVANCE_TABLE[byte]))
    assert glyph_width_em(widest * 100_000) == _ADVANCE_TABLE[ord(widest)] / 100


def test_wide_letters_take_more_lines_than_narrow_ones():
    assert line_count("W" * 400, 360, 18) > line_count("i" * 400, 360, 18)
