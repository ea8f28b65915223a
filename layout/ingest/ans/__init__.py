"""Arc XP's ANS (Arc Native Specification) story JSON as an article.

``is_ans`` tells an ANS story from the engine's own article JSON; ``article_from_ans``
validates the part of the story the engine reads (``story_model``, ``element_models``,
``media_models``) and maps it onto the article model (``story``, ``elements``, ``media``).
"""

from __future__ import annotations

from layout.ingest.ans.detect import is_ans
from layout.ingest.ans.story import article_from_ans

__all__ = ["article_from_ans", "is_ans"]
