"""The frame policy: iframes survive only from known providers, sandboxed, in any container,
on the body-HTML path and the article-JSON path alike."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest

from layout import Engine, Viewer
from layout.article import Article, article_from_data
from layout.embeds import FRAME_POLICIES, FRAME_PROVIDERS, frame_provider
from layout.ingest import ingest_html

FOREIGN = '<iframe src="https://attacker.example/frame" title="Poll"></iframe>'
KNOWN = (
    '<iframe src="http://www.youtube.com/embed/LtOGa5M8AuU" width="560" height="315" '
    'frameborder="0" allowfullscreen onload="x()" srcdoc="&lt;b&gt;x&lt;/b&gt;"></iframe>'
)
TRICKS = [
    '<iframe src="//attacker.example/scheme-relative"></iframe>',
    '<iframe src="https://www.youtube.com.attacker.example/embed/LtOGa5M8AuU"></iframe>',
    '<iframe src="https://www.youtube.com@attacker.example/embed/LtOGa5M8AuU"></iframe>',
    '<iframe src="https://attacker.example/?u=https://www.youtube.com/embed/LtOGa5M8AuU">'
    "</iframe>",
    '<iframe src="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
]
# Every container an iframe can hide in (the list, and more of the content model).
CONTAINERS = {
    "table": "<table><tbody><tr><td>{}</td></tr></tbody></table>",
    "table-caption": "<table><caption>{}</caption><tbody><tr><td>x</td></tr></tbody></table>",
    "list": "<ul><li>{}</li></ul>",
    "ordered-list": "<ol><li>{}</li></ol>",
    "figure": "<figure>{}<figcaption>Caption</figcaption></figure>",
    "blockquote": "<blockquote><p>Quoted</p>{}</blockquote>",
    "tweet": '<blockquote class="twitter-tweet"><p>Post</p>{}'
    '<a href="https://twitter.com/x/status/1">link</a></blockquote>',
    "definition-list": "<dl><dt>Term</dt><dd>{}</dd></dl>",
    "pre": "<pre>{}</pre>",
    "details": "<details><summary>More</summary>{}</details>",
    "paragraph": "<p>Text {} more text</p>",
    "div": "<div><section>{}</section></div>",
    "nested": "<ul><li><table><tbody><tr><td><blockquote>{}</blockquote></td></tr></tbody>"
    "</table></li></ul>",
}
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


def rendered_frames(article: Article) -> list[lxml.html.HtmlElement]:
    page = Engine(development=True).render(article, SUBSCRIBER).html
    return list(lxml.html.document_fromstring(page).iter("iframe"))


def assert_policy(frame: lxml.html.HtmlElement) -> None:
    found = frame_provider(frame.get("src", ""))
    assert found is not None, f"iframe of an unknown origin: {frame.get('src')!r}"
    policy = FRAME_POLICIES[found[0].kind]
    assert frame.get("sandbox") == policy.sandbox
    assert frame.get("referrerpolicy") == policy.referrerpolicy
    assert frame.get("srcdoc") is None
    assert not [name for name in frame.attrib if name.startswith("on")]


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("path", PATHS)
def test_foreign_frames_go_and_known_players_stay_sandboxed(path: str, container: str) -> None:
    markup = CONTAINERS[container].format(FOREIGN + KNOWN + "".join(TRICKS))
    article = PATHS[path](markup)
    frames = rendered_frames(article)
    for frame in frames:
        assert_policy(frame)
    page = Engine(development=True).render(article, SUBSCRIBER).html
    assert 'src="https://attacker.example' not in page and "srcdoc" not in page
    assert "javascript:" not in page and "data:text/html" not in page


# Wrappers ingest unwraps: a player in one becomes a click-to-play video card.
UNWRAPPED = ("details", "paragraph", "div")


@pytest.mark.parametrize("container", [c for c in CONTAINERS if c not in UNWRAPPED])
def test_a_known_player_inside_a_block_stays_a_sandboxed_frame(container: str) -> None:
    frames = rendered_frames(from_body(CONTAINERS[container].format(KNOWN)))
    assert [frame.get("src") for frame in frames] == ["https://www.youtube.com/embed/LtOGa5M8AuU"]
    assert frames[0].get("loading") == "lazy"
    assert (frames[0].get("width"), frames[0].get("height")) == ("560", "315")


@pytest.mark.parametrize("container", UNWRAPPED)
def test_a_known_player_in_a_wrapper_becomes_a_video_card(container: str) -> None:
    article = from_body(CONTAINERS[container].format(KNOWN))
    videos = [block for block in article.blocks if block.kind == "video"]
    assert [(v.provider, v.video_id) for v in videos] == [("youtube", "LtOGa5M8AuU")]
    assert rendered_frames(article) == []  # click-to-play: the player loads on a click


def test_a_foreign_frame_leaves_a_link_to_its_page() -> None:
    article = from_body(CONTAINERS["table"].format(FOREIGN))
    page = Engine(development=True).render(article, SUBSCRIBER).html
    assert '<a href="https://attacker.example/frame">Poll</a>' in page


def test_every_provider_has_a_policy_and_https_embed_urls() -> None:
    for provider in FRAME_PROVIDERS:
        assert provider.kind in FRAME_POLICIES
        assert provider.src.pattern.startswith("^https://"), provider.name
        assert "allow-top-navigation" not in provider.policy.sandbox


def test_a_known_provider_frame_at_top_level_is_an_embed_block() -> None:
    article = from_body('<iframe src="https://open.spotify.com/embed/episode/abc"></iframe>')
    embed = article.blocks[1]
    assert (embed.kind, embed.provider) == ("embed", "spotify")
    assert 'sandbox="allow-scripts allow-same-origin allow-popups' in embed.html
