"""The default rules never put an ad directly next to a recognised video, audio player,
embed, gallery, table or image, on any sample, corpus page or CMS fixture."""

from __future__ import annotations

import pytest

from layout import Engine, Viewer
from tests.conftest import report
from tests.support.corpus import corpus_sources, gutenberg_sources, sample_sources

MEDIA = {"image", "gallery", "video", "audio", "embed", "table"}
VIEWERS = [Viewer(device=d, audience="subscriber") for d in ("mobile", "desktop")]
SOURCES = sample_sources() + corpus_sources() + gutenberg_sources()


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(development=True)


def neighbours_of_ads(engine: Engine, viewer: Viewer) -> list[tuple[str, int, str]]:
    """Every (page, gap, neighbour kind) where an in-content ad touches a media block."""
    found = []
    for source in SOURCES:
        article = source.load()
        plan = engine.render(article, viewer, format="json").plan
        for item in plan["items"]:
            if item["type"] != "unit" or item["kind"] != "ad" or item["position"] != "in_content":
                continue
            gap = item["gap"]
            around = article.blocks[max(gap - 1, 0):gap + 1]
            found += [(source.name, gap, b.kind) for b in around if b.kind in MEDIA]
    return found


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v.device)
def test_no_in_content_ad_touches_a_media_block(engine: Engine, viewer: Viewer) -> None:
    touching = neighbours_of_ads(engine, viewer)
    report(f"media neighbours ({viewer.device}): {len(SOURCES)} inputs, {len(touching)} ads "
           "next to media")
    assert touching == []
