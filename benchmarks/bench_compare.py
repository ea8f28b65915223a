"""The measured sides of ``compare.py`` as pytest-benchmark groups, over the corpus.

    python -m pytest benchmarks/bench_compare.py --benchmark-only -p no:xdist

Each benchmark processes all 45 corpus pages in one round with the very function that
``compare.py`` times, so the sides keep working between runs of the script, and each side
can be compared with a saved run (``--benchmark-compare``). The script's report itself runs
once here too, on two pages, without the scaling part.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import compare  # noqa: E402

PAGES = compare.corpus_pages()
PARAGRAPH = re.compile(r"<p[\s>]")
BLOCKS = [compare.extract_blocks(html) for html in PAGES]


def _all(side: Callable[[Any], str], inputs: list[Any]) -> list[str]:
    return [side(each) for each in inputs]


def _words(html: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(html, create_parent="div").text_content().split())


@pytest.mark.benchmark(group="compare")
@pytest.mark.parametrize("side", ["floor_a", "peer", "selectolax", "selectolax_nh3", "bound",
                                  "engine"])
def test_side_over_corpus(benchmark: Any, side: str) -> None:
    outputs = benchmark(_all, getattr(compare, side), PAGES)
    assert len(outputs) == len(PAGES) and all(outputs)
    if side in ("floor_a", "bound"):
        # Both sides do the whole work of their description: every word comes back.
        for html, out in zip(PAGES, outputs, strict=True):
            assert _words(out) == _words(html)
    if side in ("peer", "selectolax", "selectolax_nh3"):
        # The inserters do what they are timed for: an ad after every 4th paragraph.
        pairs = zip(PAGES, outputs, strict=True)
        with_four = [out for html, out in pairs if len(PARAGRAPH.findall(html)) >= 4]
        assert with_four and all('class="ad-slot"' in page for page in with_four)
    if side == "engine":
        assert all(page.startswith("<!DOCTYPE html>") for page in outputs)


@pytest.mark.benchmark(group="compare")
def test_floor_b_over_corpus(benchmark: Any) -> None:
    outputs = benchmark(_all, compare.floor_b, BLOCKS)
    assert all(page.startswith("<!DOCTYPE html>") for page in outputs)


def test_the_selectolax_peer_with_nh3_is_sanitized() -> None:
    page = compare.selectolax_nh3('<p onclick="x()">Text<script>alert(1)</script></p>' * 4)
    assert "onclick" not in page and "<script" not in page
    assert page.count('class="ad-slot"') == 1


def test_bound_is_sanitized() -> None:
    """The bound does the engine's sanitizing: what nh3 removes is gone from its output."""
    page = compare.bound('<p onclick="x()">Text<script>alert(1)</script></p>')
    assert "onclick" not in page and "script" not in page and "Text" in page


def test_report_prints_every_side_and_both_corpus_targets(capsys: Any) -> None:
    status = compare.main(["--rounds", "1", "--pages", "2", "--corpus-only", "--unsanitized"])
    report = capsys.readouterr().out
    assert "corpus pages: 2, best of 1 rounds each" in report
    for side in ("floor_a", "floor_b", "peer", "selectolax", "selectolax_nh3", "bound",
                 "engine", "per_view", "unsanitized"):
        assert f"  {side} " in report
    assert "(unsanitized: the engine with nh3 switched off" in report
    for stage in ("sanitize", "ingest_rest", "plan", "html"):
        assert f"    {stage} " in report
    verdicts = [line for line in report.splitlines() if "(target " in line]
    assert [line.split("=")[0].strip() for line in verdicts] == [
        "engine / (floor A + floor B)",
        "engine / (selectolax + nh3)",
        "peer / engine",
        "per view / (floor A + floor B)",
    ]
    assert status == (1 if any(line.endswith("FAIL") for line in verdicts) else 0)
