"""The frame policy: frames survive only from known providers, as click-to-load cards that
carry the provider's sandbox, in any container, on the body-HTML and article-JSON paths."""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.html
import pytest

from layout import Engine, Viewer
from layout.article import Article, article_from_data
from layout.html.providers import FRAME_POLICIES, FRAME_PROVIDERS, frame_provider
from layout.ingest.body import ingest_html
from tests.support.frames import (
    CONTAINERS,
    EMBED_PATHS,
    FOREIGN,
    KNOWN,
    TRICKS,
    card_problem,
    page_frame_problems,
)

SUBSCRIBER = Viewer(audience="subscriber")


def from_body(markup: str) -> Article:
    return ingest_html(f"<p>Opening words.</p>{markup}<p>Closing words.</p>",
                       {"headline": "Frames"}, default_id="frames")


def json_path(kind: str) -> Callable[[str], Article]:
    def build(markup: str) -> Article:
        block = {"kind": kind, "html": markup}
        if kind == "embed":
            block["provider"] = "twitter"
        if kind == "list":
            block = {"kind": "list", "items": [markup]}
        return article_from_data({"id": "frames", "headline": "Frames", "blocks": [
            {"kind": "paragraph", "html": "Opening words."}, block]})

    return build


PATHS = {"body": from_body, **{f"json-{k}": json_path(k) for k in
                               ("html", "table", "quote", "embed", "list")}}
# Phrasing contexts: markup that is inline text of a block.
INLINE = {
    "json-paragraph": lambda markup: article_from_data({"id": "f", "headline": "h", "blocks": [
        {"kind": "paragraph", "html": f"Text {markup} more"}]}),
    "json-heading": lambda markup: article_from_data({"id": "f", "headline": "h", "blocks": [
        {"kind": "heading", "level": 2, "html": f"Title {markup}"}]}),
    "json-caption": lambda markup: article_from_data({"id": "f", "headline": "h", "blocks": [
        {"kind": "image", "src": "https://img.example/a.jpg", "caption": f"Seen {markup}"}]}),
    "json-hero-caption": lambda markup: article_from_data({"id": "f", "headline": "h", "hero": {
        "kind": "image", "src": "https://img.example/a.jpg", "caption": f"Seen {markup}"}}),
    "body-heading": lambda markup: from_body(f"<h2>Title {markup}</h2>"),
    "body-caption": lambda markup: from_body(
        f"<figure><img src='https://img.example/a.jpg' alt=''>"
        f"<figcaption>Seen {markup}</figcaption></figure>"),
    "body-hero-caption": lambda markup: ingest_html("<p>Words.</p>", {"headline": "h", "hero": {
        "src": "https://img.example/a.jpg", "caption": f"Seen {markup}"}}, default_id="f"),
}


def rendered(article: Article) -> lxml.html.HtmlElement:
    page = Engine(development=True).render(article, SUBSCRIBER).html
    return lxml.html.document_fromstring(page)


def cards(article: Article) -> list[lxml.html.HtmlElement]:
    """The click-to-load cards of the page: buttons carrying a player's URL."""
    return [b for b in rendered(article).iter("button") if b.get("data-player") is not None]


def assert_policy(card: lxml.html.HtmlElement) -> None:
    """The independent check (tests/support/frames.py), then the provider's own policy."""
    assert card_problem(dict(card.attrib)) is None
    found = frame_provider(card.get("data-player", ""))
    assert found is not None
    policy = FRAME_POLICIES[found.provider.kind]
    assert card.get("data-sandbox") == policy.sandbox
    assert card.get("data-referrerpolicy") == policy.referrerpolicy


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("path", PATHS)
def test_foreign_frames_go_and_known_players_wait_for_a_click(path: str, container: str) -> None:
    markup = CONTAINERS[container].format(FOREIGN + KNOWN + "".join(TRICKS))
    article = PATHS[path](markup)
    root = rendered(article)
    assert page_frame_problems(root) == []
    assert list(root.iter("iframe", "frame", "embed", "object")) == []
    for card in cards(article):
        assert_policy(card)
    page = lxml.html.tostring(root, encoding="unicode")
    assert 'src="https://attacker.example' not in page and "srcdoc" not in page
    assert "javascript:" not in page and "data:text/html" not in page


# Wrappers ingest unwraps, and a figure of one player and its caption: the player becomes
# a click-to-play video card.
UNWRAPPED = ("details", "paragraph", "div", "figure")


@pytest.mark.parametrize("container", [c for c in CONTAINERS if c not in UNWRAPPED])
@pytest.mark.parametrize("path", PATHS)
def test_a_known_player_inside_a_block_becomes_a_click_to_load_card(
    path: str, container: str
) -> None:
    [card] = cards(PATHS[path](CONTAINERS[container].format(KNOWN)))
    assert card.get("data-player") == "https://www.youtube.com/embed/LtOGa5M8AuU"
    assert (card.get("data-width"), card.get("data-height")) == ("560", "315")
    assert card.text_content() == "Load the embedded video: Embedded video (youtube)"
    assert_policy(card)


@pytest.mark.parametrize("container", UNWRAPPED)
def test_a_known_player_in_a_wrapper_becomes_a_video_card(container: str) -> None:
    article = from_body(CONTAINERS[container].format(KNOWN))
    videos = [block for block in article.blocks if block.kind == "video"]
    assert [(v.provider, v.video_id) for v in videos] == [("youtube", "LtOGa5M8AuU")]
    [card] = cards(article)  # the video card's play button, with the same policy
    assert_policy(card)


@pytest.mark.parametrize("path", INLINE)
def test_a_known_player_in_inline_text_becomes_a_card_and_a_foreign_one_a_link(path: str) -> None:
    article = INLINE[path](KNOWN + FOREIGN + "".join(TRICKS))
    root = rendered(article)
    assert page_frame_problems(root) == []
    [card] = cards(article)
    assert_policy(card)
    assert "https://attacker.example/frame" in [a.get("href") for a in root.iter("a")]


def test_a_figure_of_an_image_and_a_player_keeps_both() -> None:
    article = from_body(f"<figure><img src='https://img.example/a.jpg' alt=''>{KNOWN}</figure>")
    html = Engine(development=True).render(article, SUBSCRIBER).html
    assert "https://img.example/a.jpg" in html and len(cards(article)) == 1


def test_a_foreign_frame_leaves_a_link_to_its_page() -> None:
    article = from_body(CONTAINERS["table"].format(FOREIGN))
    page = Engine(development=True).render(article, SUBSCRIBER).html
    assert ('<a href="https://attacker.example/frame" class="frame-link" rel="nofollow">Poll</a>'
            in page)


@pytest.mark.parametrize("src", [
    "https://www.youtube.com/embed/abcdefgh/../../redirect?q=https://evil.example",
    "https://www.youtube.com/embed/abcdefgh/%2e%2e/%2e%2e/redirect",
    "https://www.youtube.com/embed/abcdefgh/..%5C..%5Credirect",
    "https://www.google.com/maps/embed/../../url?q=https://evil.example",
    "https://www.facebook.com/plugins/post.php/../../l.php?u=https://evil.example",
    "https://w.soundcloud.com/player/../../x",
    "https://datawrapper.dwcdn.net/a/../../x",
    "https://cdn.jwplayer.com/players/abc/../../evil",
    "https://player.vimeo.com.evil.example/video/1",
    "https://open.spotify.com@evil.example/embed/track/1",
    "https://www.youtube.com:8443/embed/abcdefgh",
    "https://www.youtube.com./embed/abcdefgh",
    "https://WWW.YOUTUBE.COM/embed/abcdefgh/x",
])
def test_only_a_providers_own_embed_paths_count(src: str) -> None:
    assert frame_provider(src) is None
    assert cards(from_body(CONTAINERS["table"].format(f'<iframe src="{src}"></iframe>'))) == []


def test_a_video_card_never_plays_another_path_of_the_host() -> None:
    article = article_from_data({"id": "v", "headline": "h", "blocks": [
        {"kind": "video", "provider": "youtube", "src":
         "https://www.youtube.com/embed/abcdefg/../../redirect?q=https://evil.example"},
        {"kind": "video", "provider": "jwplayer",
         "src": "https://cdn.jwplayer.com/players/abc/../../evil"}]})
    page = Engine(development=True).render(article, SUBSCRIBER).html
    assert not re.search(r"<button[^>]*data-player", page) and "<iframe" not in page
    # what is left is a link the reader may follow, never a player that loads by itself
    assert page.count('<p class="video-link"><a href="https://') == 2


def test_a_frame_inside_a_link_leaves_text_not_a_nested_link() -> None:
    article = from_body('<p><a href="https://example.test/a">Read <iframe '
                        'src="https://attacker.example/x" title="Poll"></iframe></a></p>')
    assert article.blocks[1].html == '<a href="https://example.test/a">Read <span>Poll</span></a>'


def test_a_foreign_frame_alone_in_a_paragraph_is_no_related_card() -> None:
    article = from_body('<p><iframe src="https://evil.example/login" title="Renew here">'
                        "</iframe></p>")
    assert [block.kind for block in article.blocks] == ["paragraph"] * 3


def test_a_frame_without_a_title_gets_one_that_never_becomes_a_caption() -> None:
    article = from_body(CONTAINERS["table"].format(KNOWN) + KNOWN)
    assert 'data-title="Embedded video (youtube)"' in article.blocks[1].html
    video = article.blocks[2]
    assert (video.kind, video.title) == ("video", "")


def test_every_provider_has_a_policy_and_lists_only_hosts_the_independent_check_knows() -> None:
    for provider in FRAME_PROVIDERS:
        assert provider.kind in FRAME_POLICIES
        assert "allow-top-navigation" not in provider.policy.sandbox
        for form in provider.forms:
            assert form.hosts <= set(EMBED_PATHS), provider.name


def test_a_known_audio_frame_at_top_level_is_an_audio_block_with_its_policy() -> None:
    article = from_body('<iframe src="https://open.spotify.com/embed/episode/abc"></iframe>')
    audio = article.blocks[1]
    assert (audio.kind, audio.provider) == ("audio", "spotify")
    [card] = cards(article)
    assert card.get("data-player") == "https://open.spotify.com/embed/episode/abc"
    assert_policy(card)


def test_a_known_provider_frame_at_top_level_is_an_embed_block() -> None:
    article = from_body('<iframe src="https://datawrapper.dwcdn.net/AbCdE/1/"></iframe>')
    embed = article.blocks[1]
    assert (embed.kind, embed.provider) == ("embed", "datawrapper")
    assert 'data-sandbox="allow-scripts allow-same-origin allow-popups' in embed.html


def test_a_known_player_inside_a_link_leaves_its_title_as_text() -> None:
    cell = f'<a href="https://example.test/a">Watch {KNOWN}</a> now'
    article = from_body(CONTAINERS["table"].format(cell))
    assert (
        '<td><a href="https://example.test/a">Watch <span>Embedded video (youtube)</span></a> now'
        in article.blocks[1].html
    )
