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


def _article(hidden_paragraphs: int, access: str, *, extra: str = "") -> object:
    gated = [
        {"kind": "paragraph", "html": f"Gated paragraph {i} {extra}" + " words behind" * 30}
        for i in range(hidden_paragraphs)
    ]
    gated.insert(2, {"kind": "image", "src": f"https://img.example/{extra or 'a'}.jpg",
                     "alt": "Behind the wall", "width": 1200, "height": 800})
    return article_from_data({"id": "story", "headline": "Same opening", "access": access,
                              "blocks": [*OPEN, *gated]})


WALLED = [
    ("premium", Viewer()),
    ("premium", Viewer(audience="registered")),
    ("metered", Viewer(meter=spent_meter(ENGINE))),
]


@pytest.mark.parametrize(("access", "viewer"), WALLED, ids=["hard", "registered", "spent"])
@pytest.mark.parametrize("fmt", ["json", "html", "fragment"])
def test_a_walled_reader_gets_the_same_bytes_whatever_the_wall_hides(access, viewer, fmt):
    short = ENGINE.render(_article(12, access, extra="x"), viewer, fmt, now=NOW)
    long = ENGINE.render(_article(60, access, extra="y"), viewer, fmt, now=NOW)
    assert short.layout_plan.wall is not None
    if fmt == "json":
        assert short.plan == long.plan
        assert short.plan["paywall"]["hidden_blocks"] is None
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
