"""Test data: the project's samples and the shared corpus, read in place."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from layout import Article, load_article
from layout.ingest.sources import article_from_html

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
CORPUS = Path(os.environ.get("LAYOUT_CORPUS", ROOT.parent / "shared" / "corpus" / "readability"))
GUTENBERG = ROOT.parent / "shared" / "corpus" / "gutenberg"


@dataclass(frozen=True)
class Source:
    """One input document: its name, its raw text and how to load it."""

    name: str
    path: Path
    is_html: bool

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def load(self) -> Article:
        if self.path.parent.parent == CORPUS:
            return load_corpus_article(self.path.parent)
        return load_article(self.path)


def sample_sources() -> list[Source]:
    """Every sample article: article JSON and body HTML."""
    found = [Source(p.stem, p, False) for p in sorted((SAMPLES / "articles").glob("*.json"))]
    found += [Source("html-" + p.stem, p, True) for p in sorted((SAMPLES / "html").glob("*.html"))]
    return found


def corpus_dirs() -> list[Path]:
    dirs = sorted(p for p in CORPUS.iterdir() if (p / "expected.html").is_file())
    assert len(dirs) >= 45, f"corpus not found at {CORPUS}"
    return dirs


def corpus_sources() -> list[Source]:
    return [Source(d.name, d / "expected.html", True) for d in corpus_dirs()]


def gutenberg_sources() -> list[Source]:
    """WordPress's block fixtures: each a post's stored content, read as body HTML."""
    found = [Source("wp-" + p.stem, p, True) for p in sorted(GUTENBERG.glob("*.html"))]
    assert len(found) >= 190, f"gutenberg fixtures not found at {GUTENBERG}"
    return found


def load_corpus_article(folder: Path) -> Article:
    """A corpus page with its readability metadata mapped onto the article fields."""
    meta_path = folder / "expected-metadata.json"
    raw = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    meta = {"id": folder.name}
    if raw.get("title"):
        meta["headline"] = raw["title"]
    if raw.get("byline"):
        meta["byline"] = raw["byline"]
    if raw.get("excerpt"):
        meta["dek"] = raw["excerpt"]
    if raw.get("lang"):
        meta["lang"] = raw["lang"]
    if raw.get("dir") in ("ltr", "rtl"):
        meta["dir"] = raw["dir"]
    html = (folder / "expected.html").read_text(encoding="utf-8")
    return article_from_html(html, meta, source=str(meta_path), default_id=folder.name)
