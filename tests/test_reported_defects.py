"""Defects reported against the shipped engine, reproduced exactly as reported, through the
entry points a publisher uses: the ``layout`` command, the HTTP API over loopback and the
Python API. Each of these failed before its fix; the classes behind them have tests of
their own (test_frames, test_parsers_fuzz, test_rules, test_leak_matrix, ...).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from layout import Engine, Viewer
from layout.access.secret import DEVELOPMENT_SECRET
from layout.ingest.body import ingest_html
from tests.support.server import RunningServer, running_server, server_env

PREMIUM_BODY = (
    "<p>Teaser one.</p><p>Teaser two.</p><p>Teaser three.</p><h2>SECRET</h2><p>Gated.</p>"
)
DATA_SCRIPT_RULES = (
    "version: 1\nname: hostile\nads:\n  library: 'data:text/javascript,alert(document.domain)'\n"
)
DEEP = 600
DEEP_RULES = json.dumps(
    {"version": 1, "name": "deep", "bogus": json.loads("[" * DEEP + "]" * DEEP)}
)
IMAGE_LINKS = [
    '<p><a href="//[x"><img src="a.png" alt=""></a></p>',
    '<p><a href="//a\u2100b/"><img src="a.png" alt=""></a></p>',
]
FRAME_CONTAINERS = [
    "<table><tr><td>{}</td></tr></table>",
    "<ul><li>{}</li></ul>",
    "<figure>{}<figcaption>Caption</figcaption></figure>",
    "<blockquote>{}</blockquote>",
    '<blockquote class="twitter-tweet"><p>Post</p>{}</blockquote>',
    "<dl><dt>Term</dt><dd>{}</dd></dl>",
    "<pre>{}</pre>",
]


def layout_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "layout", *args], cwd=cwd, env=server_env(),
        capture_output=True, text=True, timeout=120, check=False,
    )


def signed_meter(payload: bytes) -> str:
    """A meter token signed with the development secret, built apart from the engine."""
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode("ascii")
    digest = hmac.new(DEVELOPMENT_SECRET.encode(), f"v1.{body}".encode(), hashlib.sha256)
    signature = base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")
    return f"v1.{body}.{signature}"


DEEP_METER = signed_meter(("[" * 1500 + "]" * 1500).encode())


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server() as running:
        yield running


def post_json(server: RunningServer, path: str, body: object, **kwargs: object) -> httpx.Response:
    return httpx.post(server.url + path, json=body, timeout=60, **kwargs)  # type: ignore[arg-type]


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, object] = response.json()
    return problem


# --- 1. gated text became the headline --------------------------------------------------


def test_cli_render_of_a_premium_body_without_headline_shows_no_gated_text(
    tmp_path: Path,
) -> None:
    (tmp_path / "story.html").write_text(PREMIUM_BODY, encoding="utf-8")
    (tmp_path / "story.meta.json").write_text('{"id": "x", "access": "premium"}', "utf-8")
    for output in ("json", "html", "fragment"):
        done = layout_cli("render", "story.html", "--audience", "anonymous",
                          "--format", output, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "SECRET" not in done.stdout and "Gated." not in done.stdout
    plan = json.loads(layout_cli("render", "story.html", "--format", "json",
                                 cwd=tmp_path).stdout)
    assert plan["article"]["headline"] == "x"
    # the teaser's words (two paragraphs: a preview shows at most half), not the article's 8
    assert plan["article"]["words"] == 4


def test_http_render_of_a_premium_body_without_headline_shows_no_gated_text(
    server: RunningServer,
) -> None:
    body = {"article_html": PREMIUM_BODY, "meta": {"id": "x", "access": "premium"}}
    for output in ("html", "json"):
        response = post_json(server, "/v1/render", {**body, "format": output})
        assert response.status_code == 200
        assert "SECRET" not in response.text and "Gated." not in response.text
        assert "SECRET" not in json.dumps(dict(response.headers))


# --- 2. script through the rules --------------------------------------------------------


def test_cli_refuses_a_data_script_library_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(DATA_SCRIPT_RULES, encoding="utf-8")
    (tmp_path / "story.html").write_text("<p>Words.</p>", encoding="utf-8")
    done = layout_cli("render", "story.html", "--rules", "rules.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("error: rules.yaml:4:12: ads.library: expected an ")
    assert "found \"data:text/javascript,alert(document.domain)\"" in lines[0]


def test_http_refuses_a_data_script_library_in_validate_and_inline_rules(
    server: RunningServer,
) -> None:
    response = httpx.post(server.url + "/v1/rules/validate", content=DATA_SCRIPT_RULES,
                          headers={"content-type": "application/yaml"}, timeout=30)
    problem = assert_problem(response, 422)
    assert "ads.library" in str(problem["detail"])
    inline = {"version": 1, "name": "hostile",
              "ads": {"library": "data:text/javascript,alert(document.domain)"}}
    response = post_json(server, "/v1/render", {"article_html": "<p>x</p>", "rules": inline})
    problem = assert_problem(response, 422)
    assert "rules.ads.library" in str(problem["detail"])


# --- 3. foreign iframes survived inside containers --------------------------------------


@pytest.mark.parametrize("container", FRAME_CONTAINERS)
def test_a_foreign_iframe_inside_a_container_never_reaches_the_page(container: str) -> None:
    frame = '<iframe src="https://attacker.example/frame"></iframe>'
    article = ingest_html(f"<p>Words.</p>{container.format(frame)}", {"headline": "h"},
                          default_id="frames")
    for output in ("html", "fragment"):
        html = Engine(development=True).render(article, Viewer(audience="subscriber"),
                                               output).html  # type: ignore[arg-type]
        assert not re.search(r"<iframe[^>]*attacker\.example", html)


# --- 4. a 500 and a traceback on odd input ----------------------------------------------


@pytest.mark.parametrize("body", IMAGE_LINKS)
def test_an_image_link_with_an_unparseable_url_renders(
    body: str, server: RunningServer, tmp_path: Path
) -> None:
    (tmp_path / "story.html").write_text(body, encoding="utf-8")
    done = layout_cli("render", "story.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    response = post_json(server, "/v1/render", {"article_html": body})
    assert response.status_code == 200


def test_deeply_nested_unknown_rule_field_is_one_clear_error(
    server: RunningServer, tmp_path: Path
) -> None:
    (tmp_path / "deep.json").write_text(DEEP_RULES, encoding="utf-8")
    (tmp_path / "story.html").write_text("<p>Words.</p>", encoding="utf-8")
    done = layout_cli("render", "story.html", "--rules", "deep.json", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    expected = "error: deep.json: the document nests lists and mappings more than 64 levels deep"
    assert done.stderr.splitlines() == [expected]
    response = httpx.post(server.url + "/v1/rules/validate", content=DEEP_RULES,
                          headers={"content-type": "application/json"}, timeout=30)
    assert_problem(response, 422)


def test_serve_starts_beside_a_deeply_nested_rule_file(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(DEEP_RULES, encoding="utf-8")
    with running_server("--rules-dir", str(tmp_path)) as running:
        sets = httpx.get(running.url + "/v1/rulesets", timeout=10).json()["rulesets"]
    assert [(s["name"], s["status"]) for s in sets] == [("deep", "error")]


def test_a_signed_meter_of_deeply_nested_json_reads_as_a_fresh_meter(
    server: RunningServer,
) -> None:
    assert len(DEEP_METER) < 4096
    result = Engine(development=True).render(
        ingest_html("<p>Words.</p>", {"headline": "h"}, default_id="m"),
        Viewer(meter=DEEP_METER), "json",
    )
    assert result.plan["paywall"]["meter"]["remaining"] == 9
    response = post_json(server, "/v1/render", {"article_html": "<p>Words.</p>"},
                         cookies={"layout_meter": DEEP_METER})
    assert response.status_code == 200
    response = post_json(server, "/v1/render",
                         {"article_html": "<p>Words.</p>", "viewer": {"meter": DEEP_METER}})
    assert response.status_code == 200


def test_a_rule_set_sent_with_a_request_cannot_allow_its_own_script_host(
    server: RunningServer,
) -> None:
    inline = {"version": 1, "name": "hostile",
              "ads": {"library_hosts": ["evil.example"], "library": "https://evil.example/x.js"}}
    response = post_json(server, "/v1/render", {"article_html": "<p>x</p>", "rules": inline})
    problem = assert_problem(response, 422)
    assert "rules.ads.library_hosts: expected no ad-library hosts" in str(problem["detail"])


def test_a_request_body_nested_too_deep_is_refused_with_its_limit(server: RunningServer) -> None:
    body = '{"article_html": "<p>x</p>", "meta": {"tags": ' + "[" * 100 + "]" * 100 + "}}"
    response = httpx.post(server.url + "/v1/render", content=body,
                          headers={"content-type": "application/json"}, timeout=30)
    problem = assert_problem(response, 422)
    assert problem["detail"] == (
        "body: the document nests lists and mappings more than 64 levels deep"
    )


@pytest.mark.parametrize(("body", "expected"), [
    ({"article": {"id": "a", "headline": "h"}, "article_html": "<p>x</p>"},
     "body: expected one of article or article_html, not both"),
    ({"article_html": "<p>x</p>", "rules": {"version": 1, "name": "r"}, "ruleset": "x"},
     "body: expected one of rules or ruleset, not both"),
])
def test_a_request_naming_two_articles_or_two_rule_sets_is_refused(
    server: RunningServer, body: dict[str, object], expected: str
) -> None:
    problem = assert_problem(post_json(server, "/v1/render", body), 422)
    assert str(problem["detail"]).startswith(expected)
