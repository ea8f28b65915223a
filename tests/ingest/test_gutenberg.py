"""WordPress's block fixtures read as a publisher means them: the block kinds each one
becomes, kept as data (``gutenberg_kinds.txt``, one line per fixture) and written by
``pytest tests/ingest/test_gutenberg.py --update-goldens``; review the diff."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import report
from tests.support.corpus import gutenberg_sources

EXPECTED = Path(__file__).parent / "gutenberg_kinds.txt"
HEADER = (
    "# The block kinds each WordPress block fixture becomes, in order (fixture: kinds).\n"
    "# No kinds: a block WordPress renders itself, or one whose only content became the\n"
    "# headline (a lone leading heading). Reports follow a '|'.\n"
)


def _line(name: str) -> str:
    source = next(s for s in gutenberg_sources() if s.name == name)
    article = source.load()
    kinds = " ".join(block.kind for block in article.blocks)
    reports = " ".join(sorted({r.code for r in article.reports}))
    return f"{name}: {kinds}" + (f" | {reports}" if reports else "")


def test_every_fixture_becomes_the_expected_kinds(update_goldens: bool) -> None:
    found = [_line(source.name) for source in gutenberg_sources()]
    text = HEADER + "\n".join(found) + "\n"
    if update_goldens:
        EXPECTED.write_text(text, encoding="utf-8")
    expected = EXPECTED.read_text(encoding="utf-8").splitlines()[3:]
    met = sum(line in expected for line in found)
    report(f"gutenberg: {len(found)} fixtures, block kinds as expected for {met}")
    assert found == expected
