"""layout: ad-slot and paywall page layout for news articles.

from layout import Engine, Viewer, load_article
result = Engine().render(load_article("story.json"), Viewer(device="mobile"))
"""

from __future__ import annotations

from layout.article import Article
from layout.engine import Engine, RenderResult
from layout.errors import ConfigError, InputError, LayoutError
from layout.ingest.sources import load_article
from layout.viewer import Viewer

__all__ = [
    "Article",
    "ConfigError",
    "Engine",
    "InputError",
    "LayoutError",
    "RenderResult",
    "Viewer",
    "load_article",
]
