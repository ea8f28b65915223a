"""What a walled reader gets tells nothing of the part the wall hides: two articles that
differ only past the cut give that reader the same plan JSON, page and fragment, byte for
byte; an entitled reader of each gets the whole of it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from layout import Engine, Viewer
from layout.article import article_from_data
from tests.support.readers import NOW, spent_meter
from tests.support.server import RunningServer, running_server

ENGINE = Engine(development=True)
OPEN = [
    {"kind": "paragraph", "html": f"Opening paragraph {i}, " + "words that anyone reads " * 12}
    for i in range(5)
]


def _article(hidden_paragraphs: int, access: str, *, extra: str = "",
             opening: int = 5) -> object:
    gated = [
        {"kind": "paragraph", "html": f"Gated paragraph {i} {extra}" + " words behind" * 30}
        for i in range(hidden_paragraphs)
    ]
    gated.insert(2, {"kind": "image", "src": f"https://img.example/{extra or 'a'}.jpg",
                     "alt": "Behind the wall", "width": 1200, "height": 800})
    return article_from_data({"id": "story", "headline": "Same opening", "access": access,
                              "blocks": [*OPEN[:opening], *gated]})


WALLED = [
    ("premium", Viewer()),
    ("premium", Viewer(audience="registered")),
    ("metered", Viewer(meter=spent_meter(ENGINE))),
]


@pytest.mark.parametrize(("access", "viewer"), WALLED, ids=["hard", "registered", "spent"])
@pytest.mark.parametrize("device", ["mobile", "desktop"])
@pytest.mark.parametrize("fmt", ["json", "html", "fragment"])
def test_a_walled_reader_gets_the_same_bytes_whatever_the_wall_hides(access, viewer, device,
                                                                    fmt):
    """From a hidden part about as long as the teaser (the least the preview's share
    allows) to one thirty times as long: units that need a long article, keep out of its
    end or sit at a share of it are placed by the part the reader sees."""
    viewer = viewer.model_copy(update={"device": device})
    renders = [ENGINE.render(_article(hidden, access, extra=str(hidden)), viewer, fmt, now=NOW)
               for hidden in (9, 12, 60, 300)]
    assert renders[0].layout_plan.wall is not None
    if fmt == "json":
        assert all(render.plan == renders[0].plan for render in renders)
        assert renders[0].plan["paywall"]["hidden_blocks"] is None
    else:
        assert all(render.html == renders[0].html for render in renders)


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_units_that_depend_on_the_articles_length_tell_nothing_of_it(fmt):
    """A three-paragraph teaser over a short and a long hidden part: with the whole
    article counted, the newsletter (at 60%, for articles of 400 words) would be "too
    short" over the first and out of reach over the second."""
    viewer = Viewer(meter=spent_meter(ENGINE))
    short = ENGINE.render(_article(2, "metered", extra="s", opening=3), viewer, fmt, now=NOW)
    long = ENGINE.render(_article(80, "metered", extra="l", opening=3), viewer, fmt, now=NOW)
    assert short.layout_plan.visible_blocks == long.layout_plan.visible_blocks == 3
    if fmt == "json":
        assert short.plan == long.plan
    else:
        assert short.html == long.html


@pytest.mark.parametrize("hidden", [12, 60])
def test_an_entitled_reader_gets_all_of_each(hidden):
    article = _article(hidden, "premium")
    result = ENGINE.render(article, Viewer(audience="subscriber"), "json", now=NOW)
    blocks = [item for item in result.plan["items"] if item["type"] == "block"]
    assert len(blocks) == len(article.blocks)
    assert result.plan["paywall"]["hidden_blocks"] == 0


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server() as running:
        yield running


@pytest.mark.parametrize("fmt", ["html", "json", "fragment"])
def test_http_headers_tell_nothing_of_the_hidden_part(server: RunningServer, fmt: str) -> None:
    """Over HTTP, a walled reader's ETag and Content-Length are the same whatever the wall
    hides (they are the page's, not the article's); an entitled reader's differ."""
    def call(hidden: int, audience: str) -> httpx.Response:
        article = json.loads(_article(hidden, "premium", extra=str(hidden)).model_dump_json())
        body = {"article": article, "viewer": {"audience": audience}, "format": fmt}
        response = httpx.post(server.url + "/v1/render", json=body, timeout=30)
        assert response.status_code == 200, response.text[:300]
        return response
    short, long = call(12, "anonymous"), call(60, "anonymous")
    for header in ("etag", "content-length", "cache-control", "vary"):
        assert short.headers[header] == long.headers[header], header
    assert call(12, "subscriber").headers["etag"] != call(60, "subscriber").headers["etag"]
