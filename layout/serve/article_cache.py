"""The HTTP API's cache of ingested articles, bounded by entries and by estimated memory.

Ingest is pure, so a front end that renders one story for many readers pays for parsing
it once. What a cached article costs is far more than its text: the engine's memos of it
(measurements and gaps per device, placements per reader class, the rendered HTML of
every block) live as long as the article does. So each entry weighs an estimate of all of
that, and the cache keeps the most recently used articles within a byte budget.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from layout.article import Article
from layout.blocks.base import MarkupBlock
from layout.cache import LruCache
from layout.ingest.sources import article_from_data_checked, article_from_html

MIB = 1024 * 1024
DEFAULT_ARTICLE_CACHE_MB = 64
ARTICLE_CACHE_ENTRIES = 256

# The estimate, fitted to what tracemalloc counts for articles rendered for both devices
# and all three audiences (benchmarks/README.md, "What a cached article costs"): 1.2 kB per
# block, 2.5 bytes per character of the blocks' strings and 64 kB for an article of any
# size. It comes within 10% of the measured cost for 4 MB body HTML articles of 11,000 to
# 48,000 blocks and errs low for small ones (a 20 kB page: 0.8 of its 0.2 MB). The RSS a
# server gains per cached article matched the traced cost within 10%.
ARTICLE_BYTES = 64 * 1024
BLOCK_BYTES = 1200
CHARACTER_BYTES = 2.5


def article_weight(article: Article) -> int:
    """The estimated memory, in bytes, of a cached article and the memos that live with
    it: cheap (one pass over the blocks' fields) and deterministic."""
    characters = 0
    for block in article.blocks:
        for name in type(block).model_fields:
            value = block.__dict__[name]
            if isinstance(value, str):
                characters += len(value)
            elif isinstance(value, list):
                characters += sum(len(item) for item in value if isinstance(item, str))
        if isinstance(block, MarkupBlock):
            # Its measured text (``measured_text``), counted whether or not it is made
            # yet: at most as long as the markup.
            characters += len(block.html)
    return int(ARTICLE_BYTES + BLOCK_BYTES * len(article.blocks) + CHARACTER_BYTES * characters)


class ArticleCache:
    """Ingested articles by content: at most ``max_entries`` of them, and at most
    ``max_bytes`` of their estimated memory (an article heavier than that is not kept)."""

    def __init__(self, max_bytes: int, max_entries: int = ARTICLE_CACHE_ENTRIES) -> None:
        self._articles: LruCache[Article] = LruCache(
            max_entries, max_weight=max_bytes, weigh=article_weight
        )

    @property
    def weight(self) -> int:
        """The estimated memory of the articles kept now, in bytes."""
        return self._articles.weight

    def __len__(self) -> int:
        return len(self._articles)

    @property
    def hits(self) -> int:
        return self._articles.hits

    @property
    def misses(self) -> int:
        return self._articles.misses

    def from_data(self, data: dict[str, Any]) -> Article:
        """An article from its JSON data (raises LayoutError when it is invalid)."""
        key = "json:" + _digest(data)
        return self._articles.get_or_make(
            key, lambda: article_from_data_checked(data, source="request")
        )

    def from_html(self, html: str, meta: dict[str, Any]) -> Article:
        """An article from body HTML and its metadata (raises LayoutError when invalid)."""
        key = "html:" + hashlib.sha256(html.encode("utf-8")).hexdigest() + ":" + _digest(meta)
        return self._articles.get_or_make(
            key, lambda: article_from_html(html, meta, source="request")
        )


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
