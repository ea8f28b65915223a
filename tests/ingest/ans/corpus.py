"""The ANS fixtures of the shared corpus, read in place, and how the tests classify them.

A fixture is *read* by the engine when it is a story or a content element of a type in
the engine's element table (``layout.ingest.ans.elements.CONVERTERS``). Its type is its
``type`` field; a fixture without one (``{"name": "vaughant"}``) has the type its file
name gives (``PREFIX_TYPES``: ``bq-fixture-bad.json`` is a blockquote), and a
``story-fixture-*`` file is a story whatever its type says (``story-fixture-bad-wrong-type``).
Fixtures of other types (an address, a geo point, a keyword, an operation) are traits or
API payloads, not story content, and are not listed.
A content element is wrapped into a minimal story.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layout.article import Article
from layout.ingest.ans.elements import CONVERTERS
from layout.ingest.sources import article_from_json
from tests.support.corpus import ROOT

ANS = Path(os.environ.get("LAYOUT_ANS_CORPUS", ROOT.parent / "shared" / "corpus" / "ans"))
FIXTURES = ANS / "fixtures"
HERE = Path(__file__).parent
READ_TYPES = frozenset({"story", *CONVERTERS})
PREFIX_TYPES = {"audio": "audio", "bq": "blockquote", "raw-html": "raw_html", "text": "text",
                "ul": "list", "reference": "reference"}


@dataclass(frozen=True)
class Fixture:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def data(self) -> Any:
        return json.loads(self.path.read_text(encoding="utf-8"))

    @property
    def type(self) -> str | None:
        data = self.data
        if isinstance(data, dict) and isinstance(data.get("type"), str):
            return str(data["type"])
        return PREFIX_TYPES.get(self.name.split("-fixture")[0])

    @property
    def is_story(self) -> bool:
        """A story fixture, even one whose fault is its type."""
        return self.name.startswith("story-fixture") or self.type == "story"

    @property
    def is_read(self) -> bool:
        return self.is_story or self.type in READ_TYPES

    def story(self) -> Any:
        """The fixture as a story: itself, or a minimal story holding it."""
        if self.is_story:
            return self.data
        return {"type": "story", "version": "0.10.12", "_id": self.path.stem,
                "headlines": {"basic": f"Fixture {self.path.stem}"},
                "content_elements": [self.data]}

    def article(self) -> Article:
        """The fixture read by the engine, as a story."""
        return article_from_json(self.story_text(), source=self.name, default_id=self.path.stem)

    def story_text(self) -> str:
        """The JSON text of ``story()`` (the file itself for a story: errors then carry
        its line numbers)."""
        if self.is_story:
            return self.path.read_text(encoding="utf-8")
        return json.dumps(self.story(), indent=2, ensure_ascii=False)


def fixtures(pattern: str) -> list[Fixture]:
    return [Fixture(path) for path in sorted(FIXTURES.glob(pattern))]


def good_read() -> list[Fixture]:
    return [f for f in fixtures("*-good*.json") if f.is_read]


def bad_read() -> list[Fixture]:
    return [f for f in fixtures("*-bad*.json") if f.is_read]


def listing(name: str) -> dict[str, str]:
    """A data file of ``fixture-name: value`` lines (``#`` starts a comment)."""
    found = {}
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, _, value = line.partition(":")
            found[key.strip()] = value.strip()
    return found
