"""Valid HTML5: the Nu Html Checker over every sample and corpus page, zero errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout import Engine, Viewer
from layout.access.meter import MeterState, encode_meter, period_key, utc_now
from layout.access.secret import DEVELOPMENT_SECRET
from layout.ingest.sources import article_from_html
from tests.conftest import report
from tests.html.test_grammar import unseen_markup
from tests.ingest.ans.corpus import good_read
from tests.support.corpus import corpus_sources, gutenberg_sources, sample_sources
from tests.support.frames import CONTAINERS, FOREIGN, KNOWN
from tests.support.vnu import vnu_errors


def exhausted_meter() -> str:
    """A valid token for this period that has counted the whole allowance."""
    period = period_key("month", utc_now())
    state = MeterState(period, tuple(f"read{n:08d}" for n in range(50)))
    return encode_meter(state, DEVELOPMENT_SECRET.encode())


VIEWERS = [
    Viewer(device="mobile", audience="anonymous"),
    Viewer(device="desktop", audience="subscriber"),
    Viewer(device="mobile", audience="anonymous", meter=exhausted_meter()),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vnu")
    engine = Engine()
    articles = [(source.name, source.load) for source in
                sample_sources() + corpus_sources() + gutenberg_sources()]
    articles += [(f"ans-{f.path.stem}", f.article) for f in good_read()]
    for source_name, load in articles:
        article = load()
        for viewer in VIEWERS:
            result = engine.render(article, viewer)
            name = f"{source_name}.{viewer.device}.{viewer.audience}.{bool(viewer.meter)}"
            (folder / f"{name}.html").write_text(result.html, encoding="utf-8")
            fragment = engine.render(article, viewer, format="fragment").html
            (folder / f"{name}.fragment.html").write_text(
                "<!DOCTYPE html><html lang=en><meta charset=utf-8><title>fragment</title>"
                f"<body>{fragment}</body></html>",
                encoding="utf-8",
            )
    _render_frames(engine, folder)
    _render_unseen_markup(engine, folder)
    return folder


def _render_unseen_markup(engine: Engine, folder: Path) -> None:
    """Markup of real pages that breaks the content model (tests/html/cases)."""
    for index, (name, markup) in enumerate(unseen_markup().items()):
        article = article_from_html(f"<p>Opening words.</p>{markup}", {"headline": name},
                                    source=f"{name}.html")
        for viewer in VIEWERS[:2]:
            page = engine.render(article, viewer).html
            (folder / f"unseen-{index}.{viewer.device}.html").write_text(page, encoding="utf-8")


def _render_frames(engine: Engine, folder: Path) -> None:
    """Frames in every container: a known player's card, and a foreign frame's link."""
    for name, container in CONTAINERS.items():
        body = f"<p>Opening words.</p>{container.format(FOREIGN + KNOWN)}<p>Closing.</p>"
        article = article_from_html(body, {"headline": "Frames"}, source=f"{name}.html")
        page = engine.render(article, Viewer(audience="subscriber")).html
        assert 'class="frame-link"' in page and "data-player=" in page
        (folder / f"frames-{name}.html").write_text(page, encoding="utf-8")


def test_nu_html_checker_finds_no_errors(rendered: Path) -> None:
    pages = sorted(rendered.glob("*.html"))
    errors = vnu_errors(rendered)
    report(f"vnu: {len(pages)} documents checked, {sum(map(len, errors.values()))} errors")
    assert errors == {}


def test_nu_html_checker_reports_real_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(
        "<!DOCTYPE html><html><title>x</title><ul>text</ul>", encoding="utf-8"
    )
    assert "bad.html" in vnu_errors(tmp_path)
