"""The HTTP API over loopback, served by the real ``layout serve`` process."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from layout.serve.app import create_app
from tests.support.corpus import ROOT, SAMPLES
from tests.support.server import RunningServer, free_port, running_server, server_env
from tests.support.soak import large_render_body

ARTICLES = SAMPLES / "articles"
METERED = "news-harbour-strike"  # access: metered under the default rules
FREE = "brief-council-vote"  # access: free
FREE_SENTENCE = "Delivery vans will still be allowed in before 10am"
PROBLEM = "application/problem+json"
PLAIN_JSON = "application/json"
SMALL_LIMIT = 2048
RELOAD_TIMEOUT = 10.0


def article(name: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ARTICLES / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def cli_plan(path: Path, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "layout", "render", str(path), "--format", "json", *args],
        cwd=ROOT,
        env=server_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def same_plan(a: dict[str, Any], b: dict[str, Any]) -> None:
    for key in ("items", "paywall", "metrics"):
        assert a[key] == b[key], key


def unit_ids(plan: dict[str, Any]) -> list[str]:
    return [item["unit"] for item in plan["items"] if item["type"] == "unit"]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].split(";")[0] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    for field in ("type", "title", "detail"):
        assert isinstance(body[field], str)
        assert body[field]
    assert body["type"].startswith("urn:layout:problem:")
    return body


def set_cookie(response: httpx.Response, name: str = "layout_meter") -> dict[str, Any] | None:
    """The Set-Cookie header for ``name``: its value and attributes (flags as True)."""
    for header in response.headers.get_list("set-cookie"):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        if name in jar:
            morsel = jar[name]
            flags = {part.strip().lower() for part in header.split(";")[1:]}
            return {
                "value": morsel.value,
                "httponly": "httponly" in flags,
                "secure": "secure" in flags,
                "samesite": morsel["samesite"],
                "max-age": morsel["max-age"],
            }
    return None


# --- servers -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rules")
    for path in (SAMPLES / "rules").glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def server(rules_dir: Path) -> Iterator[RunningServer]:
    with running_server("--rules-dir", str(rules_dir), "--echo") as running:
        yield running


def cookieless_client(url: str) -> httpx.Client:
    """A client that never stores cookies: each test sends the meter cookie it means to."""
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.Client(base_url=url, timeout=30, cookies=jar)


@pytest.fixture(scope="module")
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with cookieless_client(server.url) as http:
        yield http


@pytest.fixture(scope="module")
def small_server() -> Iterator[RunningServer]:
    with running_server("--body-limit", str(SMALL_LIMIT), "--echo") as running:
        yield running


def render(client: httpx.Client, body: dict[str, Any], **headers: str) -> httpx.Response:
    return client.post("/v1/render", json=body, headers=headers)


def render_plan(client: httpx.Client, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = render(client, {**body, "format": "json"}, **headers)
    assert response.status_code == 200, response.text[:500]
    plan: dict[str, Any] = response.json()
    return plan


# --- the endpoints -------------------------------------------------------------------------


def test_healthz(client: httpx.Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_render_article_as_a_full_page(client: httpx.Client) -> None:
    data = article(FREE)
    response = render(client, {"article": data})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    assert data["headline"] in page
    assert "Councillors in Ashford Vale voted" in page


def test_render_article_as_a_fragment(client: httpx.Client) -> None:
    data = article(FREE)
    response = render(client, {"article": data, "format": "fragment"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    fragment = response.text
    assert "<html" not in fragment
    assert "<!DOCTYPE" not in fragment
    assert f'data-article-id="{FREE}"' in fragment
    assert data["headline"] in fragment


@pytest.mark.parametrize("name", [METERED, FREE])
def test_plan_json_matches_the_cli(client: httpx.Client, name: str) -> None:
    expected = cli_plan(ARTICLES / f"{name}.json")
    by_accept = render(client, {"article": article(name)}, accept="application/json")
    assert by_accept.status_code == 200
    assert by_accept.headers["content-type"].startswith("application/json")
    same_plan(by_accept.json(), expected)
    by_format = render(client, {"article": article(name), "format": "json"})
    assert by_format.headers["content-type"].startswith("application/json")
    same_plan(by_format.json(), expected)


def test_named_ruleset_plan_matches_the_cli_with_that_rule_file(client: httpx.Client) -> None:
    expected = cli_plan(
        ARTICLES / f"{METERED}.json", "--rules", str(SAMPLES / "rules/ad-heavy.yaml")
    )
    same_plan(render_plan(client, {"article": article(METERED), "ruleset": "ad-heavy"}), expected)


def test_render_body_html_with_meta(client: httpx.Client) -> None:
    html_path = SAMPLES / "html" / f"{METERED}.html"
    meta = json.loads((SAMPLES / "html" / f"{METERED}.meta.json").read_text(encoding="utf-8"))
    body = {"article_html": html_path.read_text(encoding="utf-8"), "meta": meta}
    page = render(client, body)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<!DOCTYPE html>")
    assert meta["headline"] in page.text
    same_plan(render_plan(client, body), cli_plan(html_path))


def test_named_rulesets_render_differently_from_the_default(client: httpx.Client) -> None:
    body = {"article": article(METERED, id="ruleset-compare")}
    default = unit_ids(render_plan(client, body))
    heavy = unit_ids(render_plan(client, {**body, "ruleset": "ad-heavy"}))
    light = unit_ids(render_plan(client, {**body, "ruleset": "subscriber"}))
    assert heavy != default
    assert light != default
    assert "video" in heavy and "video" not in default
    assert "subscribe" in light and "subscribe" not in default


def test_rulesets_lists_both_sample_files(client: httpx.Client) -> None:
    response = client.get("/v1/rulesets")
    assert response.status_code == 200
    listing = response.json()
    assert listing["default"] == "news-default"
    by_name = {entry["name"]: entry for entry in listing["rulesets"]}
    assert by_name["ad-heavy"]["status"] == "ok"
    assert by_name["ad-heavy"]["rules_name"] == "ad-heavy"
    assert by_name["ad-heavy"]["error"] is None
    assert by_name["subscriber"]["status"] == "ok"
    assert by_name["subscriber"]["rules_name"] == "subscriber-light"
    assert by_name["subscriber"]["file"] == "subscriber.yaml"


# --- /v1/rules/validate --------------------------------------------------------------------


def test_validate_accepts_json_and_yaml(client: httpx.Client) -> None:
    text = (SAMPLES / "rules" / "ad-heavy.yaml").read_text(encoding="utf-8")
    as_yaml = client.post(
        "/v1/rules/validate", content=text, headers={"content-type": "application/yaml"}
    )
    as_json = client.post("/v1/rules/validate", json=yaml.safe_load(text))
    for response in (as_yaml, as_json):
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["valid"] is True
        assert body["name"] == "ad-heavy"
        assert body["units"] == ["top", "mid", "video", "related", "bottom"]


BROKEN_YAML = """\
version: 1
name: broken
units:
  - id: top
    kind: ad
    position: top
    bogus: 3
"""


def test_validate_reports_line_column_and_field_path(client: httpx.Client) -> None:
    response = client.post(
        "/v1/rules/validate", content=BROKEN_YAML, headers={"content-type": "application/yaml"}
    )
    body = assert_problem(response, 422)
    [error] = [e for e in body["errors"] if e["location"] == "units[0].bogus"]
    assert (error["line"], error["column"]) == (7, 12)
    assert "units[0].bogus" in body["detail"]


def test_validate_json_reports_line_and_field_path(client: httpx.Client) -> None:
    text = '{\n  "version": 1,\n  "name": "broken",\n  "units": [\n    {"id": 5}\n  ]\n}\n'
    response = client.post(
        "/v1/rules/validate", content=text, headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422)
    locations = {e["location"]: e for e in body["errors"]}
    assert any(location.startswith("units[0]") for location in locations), locations
    assert all(e["line"] == 5 for loc, e in locations.items() if loc.startswith("units[0]"))


def test_validate_reports_a_yaml_syntax_error_with_its_line(client: httpx.Client) -> None:
    response = client.post(
        "/v1/rules/validate",
        content="version: 1\nname: x\nunits: [\n",
        headers={"content-type": "application/yaml"},
    )
    body = assert_problem(response, 422)
    assert body["errors"][0]["line"] == 4
    assert "YAML" in body["detail"]


# --- errors --------------------------------------------------------------------------------

BAD_HEADING = {"kind": "heading", "level": 9, "html": "Too deep"}


def _case(
    name: str, method: str, path: str, status: int, location: str | None = None, **kwargs: Any
) -> Any:
    return pytest.param(method, path, kwargs, status, location, id=name)


def _error_cases() -> list[Any]:
    json_type = {"content-type": "application/json"}
    good = {"article": article(FREE)}
    bad_article = article(FREE, blocks=[BAD_HEADING])
    bad_rules = {"version": 1, "name": "x", "units": "nope"}
    render = "/v1/render"
    return [
        _case("malformed-json", "POST", render, 400, content=b'{"a": ', headers=json_type),
        _case("not-utf8", "POST", render, 400, content=b'{"a": "\xff"}', headers=json_type),
        _case(
            "render-text-plain",
            "POST",
            render,
            415,
            content=json.dumps(good),
            headers={"content-type": "text/plain"},
        ),
        _case("render-no-type", "POST", render, 415, content=json.dumps(good)),
        _case(
            "validate-text-plain",
            "POST",
            "/v1/rules/validate",
            415,
            content="version: 1",
            headers={"content-type": "text/plain"},
        ),
        _case(
            "invalid-article",
            "POST",
            render,
            422,
            "article.blocks[0].level",
            json={"article": bad_article},
        ),
        _case(
            "invalid-article-id",
            "POST",
            render,
            422,
            "article.id",
            json={"article": {**article(FREE), "id": 7}},
        ),
        _case(
            "invalid-inline-rules",
            "POST",
            render,
            422,
            "rules.units",
            json={**good, "rules": bad_rules},
        ),
        _case(
            "unknown-ruleset",
            "POST",
            render,
            422,
            "ruleset",
            json={**good, "ruleset": "no-such-rules"},
        ),
        _case(
            "invalid-viewer",
            "POST",
            render,
            422,
            "viewer.audience",
            json={**good, "viewer": {"audience": "vip"}},
        ),
        _case("missing-article", "POST", render, 422, "article", json={"viewer": {}}),
        _case("unknown-field", "POST", render, 422, "colour", json={**good, "colour": "red"}),
        _case("not-an-object", "POST", render, 422, json=[1, 2]),
        _case("unknown-path", "GET", "/v1/no-such-thing", 404),
        _case("get-render", "GET", render, 405),
        _case("delete-healthz", "DELETE", "/healthz", 405),
        _case("put-rulesets", "PUT", "/v1/rulesets", 405),
    ]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "location"), _error_cases())
def test_errors_are_problems_never_500(
    client: httpx.Client,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    location: str | None,
) -> None:
    response = client.request(method, path, **kwargs)
    body = assert_problem(response, status)
    if location is not None:
        locations = [error["location"] for error in body["errors"]]
        assert location in locations, body
        assert location in body["detail"]


@pytest.mark.parametrize("character", ["\x15", "\x01", "\x1f"])
def test_body_html_with_a_control_character_is_not_a_server_error(
    client: httpx.Client, character: str
) -> None:
    """Article JSON blocks take such characters; body HTML must not crash on them either."""
    body = {"article_html": f"<p>Before {character} after, in one paragraph.</p>", "meta": {}}
    response = render(client, body, accept="application/json")
    assert response.status_code in (200, 422), response.text[:300]
    if response.status_code == 422:
        problem = assert_problem(response, 422)
        assert any(e["location"].startswith("article") for e in problem["errors"])
    else:
        assert response.headers["content-type"].startswith("application/json")


def _over_limit_body() -> bytes:
    return json.dumps({"article": article(METERED)}).encode("utf-8")


def _chunks(data: bytes, size: int = 512) -> Callable[[], Iterator[bytes]]:
    def generate() -> Iterator[bytes]:
        for start in range(0, len(data), size):
            yield data[start : start + size]

    return generate


@pytest.mark.parametrize("path", ["/v1/render", "/v1/rules/validate", "/v1/echo"])
@pytest.mark.parametrize("transfer", ["content-length", "chunked"])
def test_body_over_the_limit_is_413(small_server: RunningServer, path: str, transfer: str) -> None:
    data = _over_limit_body()
    assert len(data) > SMALL_LIMIT
    content: bytes | Iterator[bytes] = data if transfer == "content-length" else _chunks(data)()
    with cookieless_client(small_server.url) as http:
        response = http.post(path, content=content, headers={"content-type": "application/json"})
        sent = response.request.headers
    if transfer == "chunked":
        assert sent.get("transfer-encoding") == "chunked"
        assert "content-length" not in sent
    else:
        assert sent["content-length"] == str(len(data))
    body = assert_problem(response, 413)
    assert str(SMALL_LIMIT) in body["detail"]


def _padded_render_body(size: int) -> bytes:
    base = json.dumps({"article": article(FREE, blocks=article(FREE)["blocks"][:1])})
    assert len(base) < size
    return (base[:-1] + " " * (size - len(base)) + "}").encode("utf-8")


@pytest.mark.parametrize("transfer", ["content-length", "chunked"])
def test_body_at_the_limit_is_accepted_and_one_byte_more_is_not(
    small_server: RunningServer, transfer: str
) -> None:
    with cookieless_client(small_server.url) as http:
        for size, status in ((SMALL_LIMIT, 200), (SMALL_LIMIT + 1, 413)):
            data = _padded_render_body(size)
            assert len(data) == size
            content = data if transfer == "content-length" else _chunks(data, 300)()
            response = http.post(
                "/v1/render",
                content=content,
                headers={"content-type": "application/json", "accept": "application/json"},
            )
            assert response.status_code == status, (size, response.text[:300])


# --- the meter cookie ----------------------------------------------------------------------


def metered_render(client: httpx.Client, article_id: str, cookie: str | None) -> httpx.Response:
    headers = {"cookie": f"layout_meter={cookie}"} if cookie else {}
    body = {"article": article(METERED, id=article_id), "format": "json"}
    response = client.post("/v1/render", json=body, headers=headers)
    assert response.status_code == 200, response.text[:500]
    return response


def test_meter_cookie_round_trip_reaches_the_wall(client: httpx.Client) -> None:
    first = metered_render(client, "meter-0", None)
    cookie = set_cookie(first)
    assert cookie is not None, first.headers
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert cookie["secure"] is False  # --dev
    assert int(cookie["max-age"]) > 0
    assert first.json()["paywall"]["meter"]["remaining"] == 9
    token = cookie["value"]

    walls = []
    for number in range(1, 11):
        response = metered_render(client, f"meter-{number}", token)
        paywall = response.json()["paywall"]
        walls.append(paywall["wall"])
        new = set_cookie(response)
        assert new is not None
        token = new["value"]
    assert walls[:9] == [None] * 9
    assert walls[9] == "meter-exhausted"
    walled = metered_render(client, "meter-10", token).json()
    assert walled["paywall"]["applied"] is True
    assert walled["paywall"]["hidden_blocks"] is None  # its size is not told
    assert any(item["type"] == "paywall" for item in walled["items"])

    reread = metered_render(client, "meter-3", token).json()["paywall"]
    assert reread["wall"] is None
    assert reread["entitled"] is True
    assert reread["hidden_blocks"] == 0

    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    fresh = metered_render(client, "meter-11", tampered)
    paywall = fresh.json()["paywall"]
    assert paywall["wall"] is None
    assert paywall["meter"]["remaining"] == 9
    again = set_cookie(fresh)
    assert again is not None and again["value"] != tampered


# --- cache headers and ETags ---------------------------------------------------------------


def test_anonymous_free_article_is_publicly_cacheable(client: httpx.Client) -> None:
    response = render(client, {"article": article(FREE)})
    assert response.status_code == 200
    assert response.headers["x-layout-cache-class"] == "anon-full"
    assert response.headers["cache-control"].startswith("public")
    assert "cookie" in response.headers["vary"].lower()
    assert set_cookie(response) is None


def test_subscriber_render_is_private_no_store(client: httpx.Client) -> None:
    body = {"article": article(METERED), "viewer": {"audience": "subscriber"}}
    response = render(client, body)
    assert response.status_code == 200
    assert response.headers["x-layout-cache-class"] == "subscriber"
    directives = {d.strip() for d in response.headers["cache-control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_anonymous_metered_render_is_private(client: httpx.Client) -> None:
    response = render(client, {"article": article(METERED, id="cache-metered")})
    assert response.headers["x-layout-cache-class"] == "anon-metered"
    assert "private" in response.headers["cache-control"]


@pytest.mark.parametrize("fmt", ["html", "json"])
def test_etag_and_if_none_match(client: httpx.Client, fmt: str) -> None:
    body = {"article": article(FREE), "format": fmt}
    first = render(client, body)
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    assert render(client, body).headers["etag"] == etag
    cached = render(client, body, **{"if-none-match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag
    assert cached.headers["x-layout-cache-class"] == "anon-full"
    other = render(client, body, **{"if-none-match": '"something-else"'})
    assert other.status_code == 200
    assert other.content == first.content
    changed = render(client, {**body, "viewer": {"device": "desktop"}})
    assert changed.headers["etag"] != etag


# --- the access log ------------------------------------------------------------------------


def test_access_log_has_one_line_per_request_and_no_article_text(
    client: httpx.Client, server: RunningServer
) -> None:
    before = server.log_mark()
    earlier = len(server.stderr())
    data = article(FREE)
    expected = [
        (client.get("/healthz"), "/healthz", None, None),
        (render(client, {"article": data}), "/v1/render", "default", "anon-full"),
        (
            render(client, {"article": data, "ruleset": "ad-heavy"}),
            "/v1/render",
            "ad-heavy",
            "anon-full",
        ),
        (
            render(client, {"article": data, "viewer": {"audience": "subscriber"}}),
            "/v1/render",
            "default",
            "subscriber",
        ),
        (
            render(client, {"article": article(FREE, blocks=[BAD_HEADING])}),
            "/v1/render",
            "default",
            None,
        ),
        (client.get("/v1/nowhere"), "/v1/nowhere", None, None),
    ]
    records = server.wait_for_log(before + len(expected))[before:]
    assert len(records) == len(expected), records
    for record, (response, path, ruleset, cache_class) in zip(records, expected, strict=True):
        assert record["path"] == path
        assert record["status"] == response.status_code
        assert record["ruleset"] == ruleset
        assert isinstance(record["duration_ms"], int | float)
        assert record["duration_ms"] >= 0
        if path == "/v1/render" and response.status_code == 200:
            assert record["cache_class"] == response.headers["x-layout-cache-class"]
        assert record["cache_class"] == cache_class
    log = server.stderr()
    assert FREE_SENTENCE not in log
    assert data["headline"] not in log
    assert "Traceback" not in log[earlier:]


def test_access_log_records_a_request_whatever_its_outcome(
    client: httpx.Client, server: RunningServer
) -> None:
    """Also a request the server fails on (today: body HTML with a control character)."""
    before = server.log_mark()
    response = render(client, {"article_html": "<p>Tick \x15 tock.</p>"})
    records = server.wait_for_log(before + 1, timeout=2.0)[before:]
    assert [(r["path"], r["status"]) for r in records] == [("/v1/render", response.status_code)]


# --- reloading rule files ------------------------------------------------------------------


def _rules_yaml(name: str, units: list[str]) -> str:
    specs = {
        "top": "{id: top, kind: ad, position: top, ad_unit: /1/top, sizes: {mobile: [[320, 50]]}}",
        "bottom": (
            "{id: bottom, kind: ad, position: bottom, ad_unit: /1/bottom,"
            " sizes: {mobile: [[300, 250]]}}"
        ),
    }
    lines = [f"  - {specs[unit]}" for unit in units]
    return "\n".join(["version: 1", f"name: {name}", "units:", *lines]) + "\n"


def _entry(client: httpx.Client, name: str) -> dict[str, Any] | None:
    for entry in client.get("/v1/rulesets").json()["rulesets"]:
        if entry["name"] == name:
            return dict(entry)
    return None


def _wait_for_entry(
    client: httpx.Client, name: str, ready: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    deadline = time.monotonic() + RELOAD_TIMEOUT
    entry = _entry(client, name)
    while not (entry is not None and ready(entry)):
        assert time.monotonic() < deadline, (
            f"no reload of {name} within {RELOAD_TIMEOUT} s: {entry}"
        )
        time.sleep(0.1)
        entry = _entry(client, name)
    return entry


def test_rule_files_reload_and_a_broken_file_keeps_the_old_version(
    client: httpx.Client, rules_dir: Path
) -> None:
    path = rules_dir / "live.yaml"
    body = {"article": article(FREE, id="reload-check"), "ruleset": "live"}
    assert _entry(client, "live") is None
    assert_problem(render(client, body), 422)

    path.write_text(_rules_yaml("live-a", ["top"]), encoding="utf-8")
    entry = _wait_for_entry(client, "live", lambda e: e["rules_name"] == "live-a")
    assert entry["status"] == "ok" and entry["file"] == "live.yaml"
    assert unit_ids(render_plan(client, body)) == ["top"]

    path.write_text(_rules_yaml("live-b", ["top", "bottom"]), encoding="utf-8")
    _wait_for_entry(client, "live", lambda e: e["rules_name"] == "live-b" and not e["error"])
    assert unit_ids(render_plan(client, body)) == ["top", "bottom"]

    path.write_text("version: 1\nname: live-c\nunits: [\n", encoding="utf-8")
    broken = _wait_for_entry(client, "live", lambda e: e["status"] == "error")
    assert "YAML" in broken["error"]
    assert broken["rules_name"] == "live-b"
    assert unit_ids(render_plan(client, body)) == ["top", "bottom"]
    ok_others = {e["name"]: e["status"] for e in client.get("/v1/rulesets").json()["rulesets"]}
    assert ok_others["ad-heavy"] == ok_others["subscriber"] == "ok"

    path.write_text(_rules_yaml("live-d", ["bottom"]), encoding="utf-8")
    fixed = _wait_for_entry(client, "live", lambda e: e["rules_name"] == "live-d")
    assert fixed["status"] == "ok" and fixed["error"] is None
    assert unit_ids(render_plan(client, body)) == ["bottom"]


# --- renders off the event loop, in a bounded pool ------------------------------------------

LONG_RENDER_BYTES = 2_600_000  # a dense article: some 48,000 blocks, the longest render
LONG_RENDER_CPU = 0.15  # seconds of server CPU after which a long render is under way


@pytest.fixture(scope="module")
def one_thread_server() -> Iterator[RunningServer]:
    with running_server("--render-threads", "1", "--render-queue", "0") as running:
        yield running


class InFlight:
    """A long render sent from a thread of its own, known to be under way on return."""

    def __init__(self, server: RunningServer, number: int) -> None:
        self.body = large_render_body(number, LONG_RENDER_BYTES, dense=True, format="fragment")
        self.url = server.url
        self.response: httpx.Response | None = None
        self.thread = threading.Thread(target=self._send)
        since = server.cpu_seconds()
        self.thread.start()
        server.wait_until_busy(since, LONG_RENDER_CPU)

    def _send(self) -> None:
        with cookieless_client(self.url) as http:
            http.timeout = httpx.Timeout(120)
            self.response = http.post(
                "/v1/render", content=self.body, headers={"content-type": "application/json"}
            )

    def finish(self) -> httpx.Response:
        self.thread.join(timeout=120)
        assert self.response is not None, "the long render never answered"
        return self.response


def test_healthz_answers_while_a_long_render_is_in_flight(
    one_thread_server: RunningServer,
) -> None:
    """The render runs on a pool thread, so the event loop answers /healthz meanwhile:
    its record is written before the render's, and its answer comes first."""
    server = one_thread_server
    before = server.log_mark()
    long_render = InFlight(server, number=1)
    with cookieless_client(server.url) as http:
        health = http.get("/healthz")
    render_done_first = long_render.response is not None
    assert health.status_code == 200
    assert long_render.finish().status_code == 200
    records = server.wait_for_log(before + 2)[before:]
    assert [r["path"] for r in records] == ["/healthz", "/v1/render"], records
    assert not render_done_first


def test_a_full_render_pool_answers_503_with_retry_after(
    one_thread_server: RunningServer,
) -> None:
    """One thread, no waiting room: while a long render runs, every other render or rule
    check is refused at once, and the pool takes work again once it has finished."""
    server = one_thread_server
    long_render = InFlight(server, number=2)
    with cookieless_client(server.url) as http:
        refused = [render(http, {"article": article(FREE)}) for _ in range(3)]
        refused.append(
            http.post("/v1/rules/validate", content="version: 1\nname: x\nunits: []\n",
                      headers={"content-type": "application/yaml"})
        )  # fmt: skip
        assert long_render.finish().status_code == 200
        after = render(http, {"article": article(FREE)})
    for response in refused:
        body = assert_problem(response, 503)
        assert body["type"] == "urn:layout:problem:overloaded"
        assert int(response.headers["retry-after"]) >= 1
    assert after.status_code == 200


def test_concurrent_large_renders_on_one_thread_are_served_or_refused(
    one_thread_server: RunningServer,
) -> None:
    """Several large renders at once: some 200, the rest 503 problems; never anything else."""
    bodies = [large_render_body(10 + n, format="json") for n in range(4)]
    start = threading.Barrier(len(bodies))

    def send(body: bytes) -> httpx.Response:
        with cookieless_client(one_thread_server.url) as http:
            http.timeout = httpx.Timeout(120)
            start.wait(timeout=60)
            return http.post("/v1/render", content=body, headers={"content-type": PLAIN_JSON})

    with ThreadPoolExecutor(len(bodies)) as clients:
        responses = list(clients.map(send, bodies))
    statuses = sorted(response.status_code for response in responses)
    assert set(statuses) == {200, 503}, statuses
    for response in responses:
        if response.status_code == 503:
            assert_problem(response, 503)
            assert "retry-after" in response.headers
        else:
            assert response.json()["article"]["id"].startswith("large-")


def test_two_apps_in_one_process_share_no_state() -> None:
    """Each app owns its article cache, inline-rules engines and render pool: what one
    app ingested is not in the other's cache. (In-process, through the ASGI interface.)"""
    first, second = create_app(development=True), create_app(development=True)
    body = {"article": article(FREE), "rules": yaml.safe_load(
        (SAMPLES / "rules" / "ad-heavy.yaml").read_text(encoding="utf-8"))}  # fmt: skip

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=first)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.post("/v1/render", json=body)

    try:
        assert asyncio.run(call()).status_code == 200
        one, two = first.state.render_service, second.state.render_service
        assert (len(one.articles), len(one.inline_engines)) == (1, 1)
        assert (len(two.articles), len(two.inline_engines)) == (0, 0)
        assert first.state.render_pool is not second.state.render_pool
    finally:
        first.state.render_pool.shutdown()
        second.state.render_pool.shutdown()


# --- production settings -------------------------------------------------------------------


def test_serve_without_dev_or_secret_exits_2_with_one_line() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "layout",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(free_port()),
        ],
        cwd=ROOT,
        env=server_env({"LAYOUT_DEV": None, "LAYOUT_METER_SECRET": None}),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "LAYOUT_METER_SECRET" in lines[0]
    assert "Traceback" not in result.stderr


def test_serve_with_a_secret_sets_a_secure_cookie() -> None:
    env = {"LAYOUT_DEV": None, "LAYOUT_METER_SECRET": "test-secret-not-the-dev-one"}
    with (
        running_server(dev=False, env=env) as production,
        cookieless_client(production.url) as http,
    ):
        response = metered_render(http, "production-check", None)
    cookie = set_cookie(response)
    assert cookie is not None
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"


# --- the ad stack's inputs -----------------------------------------------------------------


def test_sec_gpc_asks_for_restricted_non_personalised_ads(client: httpx.Client) -> None:
    """A front end forwards the reader's Sec-GPC header; the API reads it."""
    body = {"article": article("longread-last-ferry"), "format": "json"}
    plain = render(client, body)
    signalled = render(client, body, **{"Sec-GPC": "1"})
    assert plain.json()["ads"]["restrict_data_processing"] is False
    ads = signalled.json()["ads"]
    assert ads["restrict_data_processing"] is True and ads["non_personalized"] is True
    # A shared cache keeps the two answers apart.
    for response in (plain, signalled):
        assert "Sec-GPC" in [part.strip() for part in response.headers["vary"].split(",")]
    page = render(client, {"article": article("longread-last-ferry")}, **{"Sec-GPC": "1"})
    assert '"restrictDataProcessing":true' in page.text


def test_an_instance_prefix_keeps_fragment_ids_apart(client: httpx.Client) -> None:
    body = {"article": article("longread-last-ferry"), "format": "fragment"}
    first = render(client, {**body, "instance": "story-1"}).text
    second = render(client, {**body, "instance": "story-2"}).text
    ids = [re.findall(r' id="([^"]+)"', html) for html in (first, second)]
    assert ids[0] and all(i.startswith("ad-story-1-") for i in ids[0])
    assert not set(ids[0]) & set(ids[1])
    plan = render_plan(client, {**body, "instance": "story-1"})
    assert plan["ads"]["instance"] == "story-1"


@pytest.mark.parametrize("instance", ["", "has space", "-leading", "x" * 65, "é"])
def test_a_bad_instance_prefix_is_a_422(client: httpx.Client, instance: str) -> None:
    body = {"article": article("longread-last-ferry"), "instance": instance}
    problem = assert_problem(render(client, body), 422)
    assert "instance" in json.dumps(problem)


def test_a_csp_nonce_reaches_every_script(client: httpx.Client) -> None:
    nonce = "aHR0cC1ub25jZS12YWx1ZQ"
    page = render(client, {"article": article("longread-last-ferry"), "nonce": nonce}).text
    assert page.count(f'nonce="{nonce}"') == 2
    bad = render(client, {"article": article("longread-last-ferry"), "nonce": "<x>"})
    assert "nonce" in json.dumps(assert_problem(bad, 422))


# --- operations: metrics and request ids ---------------------------------------------------


def scrape(http: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The server's metrics by sample name and labels, read with the client library's
    own parser of the text format."""
    from prometheus_client.parser import text_string_to_metric_families

    response = http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_metrics_count_requests_render_stages_and_cache_hits(client: httpx.Client) -> None:
    before = scrape(client)
    body = {"article": article("data-rents", id=f"metrics-{time.monotonic_ns()}")}
    for _ in range(3):
        assert render(client, body).status_code == 200
    client.get("/no/such/path/for/metrics")
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert grew("layout_requests_total", method="POST", route="/v1/render", status="200") == 3
    assert grew("layout_requests_total", method="GET", route="other", status="404") == 1
    assert not [key for key in after if ("route", "/no/such/path/for/metrics") in key[1]]
    assert grew("layout_request_duration_seconds_count", route="/v1/render") == 3
    for stage in ("ingest", "plan", "html"):
        assert grew("layout_render_stage_seconds_count", stage=stage) == 3
    # The same article three times: ingested once, then found in the cache twice.
    assert grew("layout_article_cache_misses_total") == 1
    assert grew("layout_article_cache_hits_total") == 2
    assert after[("layout_render_queue_capacity", ())] > 0


def test_every_request_has_an_id_in_its_log_line_and_its_response(
    client: httpx.Client, server: RunningServer
) -> None:
    before = server.log_mark()
    given = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a:9"})
    made = client.get("/healthz")
    refused = client.get("/healthz", headers={"X-Request-ID": "has space\tand tab"})
    records = server.wait_for_log(before + 3)[before:]
    assert given.headers["x-request-id"] == "edge-7f3a:9"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["x-request-id"])
    assert [r["request_id"] for r in records] == [
        response.headers["x-request-id"] for response in (given, made, refused)]


def test_metrics_answer_while_a_long_render_is_in_flight(
    one_thread_server: RunningServer,
) -> None:
    """/metrics is made on the event loop: a busy pool shows in it instead of holding it."""
    long_render = InFlight(one_thread_server, number=3)
    with cookieless_client(one_thread_server.url) as http:
        during = scrape(http)
    render_done_first = long_render.response is not None
    assert long_render.finish().status_code == 200
    assert not render_done_first
    assert during[("layout_render_queue_depth", ())] == 1
