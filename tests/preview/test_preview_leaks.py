"""The preview's endpoints hold the paywall too: ``layout preview`` started over the gated
samples with a theme that prints everything it can reach, its page and plan endpoints
called over loopback for walled readers, and no canary comes back; a subscriber gets it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.hostile_theme import hostile_theme
from tests.support.preview_server import PreviewServer, running_preview
from tests.test_leak_matrix import GATED

ARTICLES = [(source, name) for source, name in GATED if not source.is_html]
WALLED = [("anonymous", "exhausted"), ("registered", "exhausted")]


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    folder = tmp_path_factory.mktemp("leaks")
    articles = folder / "articles"
    articles.mkdir()
    for source, _ in ARTICLES:
        shutil.copy2(source.path, articles / source.path.name)
    theme = hostile_theme(folder / "theme")
    with running_preview([articles], templates=theme) as server:
        yield server


def _get(server: PreviewServer, path: str, **params: str) -> str:
    response = httpx.get(server.url + path, params=params, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.text


def test_no_preview_endpoint_gives_a_walled_reader_the_gated_text(preview):
    calls = 0
    for source, name in ARTICLES:
        key, canary = Path(source.path).stem, f"canary-{name}"
        for audience, meter in WALLED:
            for endpoint in ("/render/", "/plan/"):
                text = _get(preview, endpoint + key, audience=audience, meter=meter)
                calls += 1
                assert canary not in text, f"{endpoint}{key} {audience} {meter}"
        whole = _get(preview, "/render/" + key, audience="subscriber")
        assert canary in whole
    assert calls == 4 * len(ARTICLES)
