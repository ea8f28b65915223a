"""The ANS fixtures of the shared corpus: good ones load losslessly as the expected block
kinds, bad ones fail with an InputError naming the JSON path of their fault."""

from __future__ import annotations

import pytest

from layout import Engine, Viewer
from layout.article import Article
from layout.errors import InputError
from layout.ingest.ans import article_from_ans
from tests.ingest.ans.corpus import Fixture, bad_read, fixtures, good_read, listing
from tests.support.ans_oracle import page_urls, story_expectations
from tests.support.lossless import missing_text

ENGINE = Engine(development=True)
READER = Viewer(device="mobile", audience="subscriber")
GOOD = good_read()
BAD = bad_read()
KINDS = listing("expected_kinds.txt")
BAD_PATHS = listing("bad_fixtures.txt")


def load(fixture: Fixture) -> Article:
    return article_from_ans(fixture.story(), source=fixture.name, default_id=fixture.path.stem,
                            text=fixture.story_text())


def test_the_corpus_is_there() -> None:
    assert len(GOOD) >= 40
    assert len(BAD) >= 35


def test_every_good_fixture_read_has_a_kinds_line() -> None:
    assert sorted(KINDS) == [fixture.name for fixture in GOOD]


def test_every_bad_fixture_read_has_a_path_line() -> None:
    assert sorted(BAD_PATHS) == [fixture.name for fixture in BAD]


@pytest.mark.parametrize("fixture", GOOD, ids=lambda f: f.name)
def test_good_fixture_has_the_expected_kinds(fixture: Fixture) -> None:
    kinds = " ".join(block.kind for block in load(fixture).blocks)
    assert kinds == KINDS[fixture.name]


@pytest.mark.parametrize("fixture", GOOD, ids=lambda f: f.name)
def test_good_fixture_renders_every_text_and_url(fixture: Fixture) -> None:
    html = ENGINE.render(load(fixture), READER, format="html").html
    pieces, urls = story_expectations(fixture.story())
    source = "<div>" + "</div><div>".join(pieces) + "</div>"
    assert missing_text(source, html) == []
    assert [url for url in urls if url not in page_urls(html)] == []


@pytest.mark.parametrize("fixture", BAD, ids=lambda f: f.name)
def test_bad_fixture_names_the_path(fixture: Fixture) -> None:
    with pytest.raises(InputError) as caught:
        load(fixture)
    locations = [problem.location for problem in caught.value.problems]
    assert BAD_PATHS[fixture.name] in locations
    assert all(problem.message for problem in caught.value.problems)
    if fixture.is_story:  # the file's own text: every problem has its line
        assert all(problem.line for problem in caught.value.problems)


@pytest.mark.parametrize("fixture", fixtures("*.json"), ids=lambda f: f.name)
def test_any_fixture_loads_or_is_refused_cleanly(fixture: Fixture) -> None:
    """Whatever a fixture is (a trait, an operation, an unknown type), reading it as a
    story's element gives an article or an InputError, nothing else."""
    try:
        article = load(fixture)
    except InputError as error:
        assert error.problems
    else:
        ENGINE.render(article, READER, format="html")
