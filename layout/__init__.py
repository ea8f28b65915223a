"""layout: ad-slot and paywall page layout for news articles.

from layout import Engine, Viewer, load_article, load_rules
engine = Engine(load_rules("rules.yaml"))      # or Engine(): the built-in default rules
result = engine.render(load_article("story.json"), Viewer(device="mobile"))
"""

from __future__ import annotations

from layout.article import Article
from layout.engine import Engine, RenderResult
from layout.errors import ConfigError, InputError, LayoutError
from layout.ingest.sources import load_article
from layout.rules import RuleSet, load_rules
from layout.version import __version__
from layout.viewer import Viewer

__all__ = [
    "Article",
    "ConfigError",
    "Engine",
    "InputError",
    "LayoutError",
    "RenderResult",
    "RuleSet",
    "Viewer",
    "__version__",
    "load_article",
    "load_rules",
]
