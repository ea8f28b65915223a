"""Hostile content in every field, rendered by the engine and run in headless Chromium.

Every payload of tests/support/xss_payloads.py goes into every article field and block kind
(article JSON), into body HTML, and into the rule set's labels, targeting and promo text.
The pages are written to a folder and loaded from file:// in Chromium with all other
network refused. An init script records every call of ``__xss`` (the payloads' marker
function), ``alert``, ``confirm`` and ``prompt`` in every frame, and dialogs are recorded
too: a single recorded call is a script execution. Each page is also checked for event
handler attributes, script URLs, scripts other than the theme's own, frames (a known
provider's player waits for a click, in a card whose URL and sandbox are checked), any
document or script the page asks for from another origin (the rule set's ad library
included), and for the payload text being shown as text (the headline payload is the h1's
text; template syntax such as ``{{ 7*7 }}`` stays literal).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.async_api import Dialog, Page, Request, Route, async_playwright

from layout.engine import Engine
from layout.errors import ConfigError
from layout.html.urls import AD_LIBRARY_HOSTS, split_url
from layout.ingest.sources import article_from_html, article_from_json, load_article
from layout.rules import DEFAULT_RULES_PATH, RuleSet, parse_rules
from layout.viewer import Viewer
from tests.conftest import report
from tests.support.corpus import SAMPLES
from tests.support.frames import card_problem, embed_src_problem, frame_problem
from tests.support.preview_server import CHROMIUM, CHROMIUM_ARGS
from tests.support.xss_payloads import LITERAL_TEMPLATE_TEXT, PAYLOADS, Payload

pytestmark = pytest.mark.browser

TABS = 2  # pages loaded at once
LOAD_TIMEOUT_MS = 15_000
FRAME_TIMEOUT_S = 5.0
VIEWERS = {
    "anonymous": Viewer(device="mobile", audience="anonymous"),
    "subscriber": Viewer(device="mobile", audience="subscriber"),
}
SAFE_URL = "https://www.example-news.test/safe"

FILLER = [
    "The harbour authority confirmed on Tuesday that the morning ferries would run to the "
    "winter timetable until the end of the month, citing the repairs to the northern quay "
    "and a shortage of qualified deck crew across the region this season.",
    "Residents who depend on the early crossing said the change would lengthen their commute "
    "by almost an hour, and several shop owners on the island warned that deliveries of fresh "
    "produce would now arrive after the lunchtime rush instead of before it.",
    "Council officers said a review of the timetable was already planned for the spring, and "
    "that any savings from the reduced service would be spent on the quay repairs first, with "
    "the remainder going towards training new crew members at the college.",
    "A spokesperson for the operator said the company understood the frustration and would "
    "publish weekly updates on the repair work, adding that the larger vessel would return to "
    "the route as soon as the inspectors had signed off the new mooring points.",
]

# Runs in every frame before any page script: records marker calls and dialogs.
INIT_SCRIPT = """
(() => {
  const calls = [];
  Object.defineProperty(window, "__xssCalls", { value: calls });
  const record = (kind) => function (marker) { calls.push(kind + ":" + String(marker)); };
  window.__xss = record("xss");
  window.alert = record("alert");
  window.confirm = record("confirm");
  window.prompt = record("prompt");
  window.print = record("print");
})();
"""

# Collected from the loaded page: script elements, handler attributes, URLs, shown texts.
INSPECT = r"""
async () => {
  // A moment first: autofocus, animations and toggles run their handlers after load.
  await new Promise((done) => setTimeout(done, 20));
  const URL_ATTRS = ["href", "src", "poster", "action", "formaction", "data", "xlink:href",
                     "data-player", "background", "ping", "cite"];
  const compact = (v) => String(v).replace(/[\u0000-\u0020]/g, "").toLowerCase();
  const SCRIPT_URL = /^((java|vb|live)script:|data:(text|application|image\/svg))/;
  const handlers = [], urls = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) handlers.push(el.tagName + " " + name);
      const candidates = name === "srcset" || name === "imagesrcset"
        ? attr.value.split(",").map((part) => part.trim().split(/\s+/)[0])
        : URL_ATTRS.includes(name) ? [attr.value] : [];
      if (candidates.some((url) => SCRIPT_URL.test(compact(url)))) {
        // Links the rule set supplies (promo action, related cards) are told apart.
        const fromRules = el.closest(".promo, .related-unit") !== null;
        urls.push((fromRules ? "rules " : "") + el.tagName + " " + name + "="
                  + attr.value.slice(0, 80));
      }
    }
  }
  const text = (sel) => Array.from(document.querySelectorAll(sel)).map((e) => e.textContent);
  const frames = Array.from(document.querySelectorAll("iframe, frame, embed, object")).map(
    (f) => ({ tag: f.tagName, src: f.getAttribute("src") || f.getAttribute("data"),
              sandbox: f.getAttribute("sandbox"), srcdoc: f.getAttribute("srcdoc"),
              referrerpolicy: f.getAttribute("referrerpolicy") }));
  const cards = Array.from(document.querySelectorAll("button[data-player]")).map((b) =>
    Object.fromEntries(Array.from(b.attributes).map((a) => [a.name, a.value])));
  return {
    frames, cards,
    scripts: Array.from(document.scripts).map((s) => ({
      type: s.type, ads: s.hasAttribute("data-layout-ads"), src: s.getAttribute("src"),
      text: s.textContent })),
    handlers, urls,
    title: document.title,
    h1: text("h1"), dek: text(".story-dek"), byline: text(".story-byline"),
    section: text(".story-section"), adLabels: text(".ad-label"),
    promoHeading: text(".promo-heading"), promoText: text(".promo-text"),
    promoAction: text(".promo-action"),
    bodyText: text("main").join(" "),
  };
}
"""


# --- building the hostile inputs ------------------------------------------------------------


def hostile_article(payload: Payload) -> dict[str, Any]:
    """Article JSON with the payload in every field and every block kind."""
    t = payload.text
    filler = [{"kind": "paragraph", "html": text} for text in FILLER]
    blocks: list[dict[str, Any]] = [
        {"kind": "paragraph", "html": t("paragraph")},
        *filler[:2],
        {"kind": "heading", "level": 2, "html": t("heading")},
        {"kind": "quote", "html": t("quote"), "attribution": t("quote-attribution"),
         "pull": True},
        {"kind": "list", "ordered": False, "items": [t("list-item"), f"<b>{t('list-item2')}</b>"]},
        *filler[2:],
        {"kind": "table", "html": f"<table><tr><td>{t('table')}</td></tr></table>"},
        {"kind": "embed", "provider": t("embed-provider"), "url": t("embed-url"),
         "html": t("embed")},
        {"kind": "html", "html": t("html")},
        {"kind": "note", "html": t("note")},
        *filler,
        {"kind": "image", "src": t("image-src"), "alt": t("image-alt"),
         "caption": t("image-caption"), "credit": t("image-credit")},
        {"kind": "video", "provider": "jwplayer", "src": t("video-src"), "title": t("video-title"),
         "poster": t("video-poster"), "duration": 95},
        {"kind": "video", "provider": "youtube", "video_id": t("video-id"),
         "title": t("video-title2")},
        {"kind": "related", "url": t("related-url"), "title": t("related-title")},
        *filler,
    ]
    return {
        "id": f"xss-{payload.id.lower()}",
        "url": t("url"),
        "headline": t("headline"),
        "dek": t("dek"),
        "summary": [t("summary")],
        "byline": t("byline"),
        "section": t("section"),
        "tags": [t("tags")],
        "lang": "en",
        "published": "2024-03-01T08:00:00Z",
        "hero": {"kind": "image", "src": t("hero-src"), "alt": t("hero-alt"),
                 "caption": t("hero-caption"), "credit": t("hero-credit")},
        "access": "metered",
        "blocks": blocks,
    }


def hostile_body(group: Sequence[Payload]) -> str:
    """Body HTML with each payload of ``group`` in every context ingest classifies."""
    filler = "".join(f"<p>{text}</p>" for text in FILLER)
    parts = [filler]
    for payload in group:
        t = payload.text
        parts.append(
            f"<p>{t('body-p')}</p><h2>{t('body-h2')}</h2>"
            f"<blockquote>{t('body-quote')}</blockquote>"
            f"<blockquote class=\"twitter-tweet\"><p>{t('body-tweet')}</p>"
            f"<a href=\"{t('body-tweet-href')}\">x</a></blockquote>"
            f"<ul><li>{t('body-li')}</li></ul><table><tr><td>{t('body-td')}</td></tr></table>"
            f"<figure><img src=\"{t('body-img-src')}\" alt='{t('body-img-alt')}'>"
            f"<figcaption>{t('body-caption')}<span class=credit>{t('body-credit')}</span>"
            f"</figcaption></figure>{filler}"
            f"<div>{t('body-div')}</div><p><a href=\"{t('body-related')}\">{t('body-a')}</a></p>"
            f"<iframe src=\"{t('body-iframe')}\" title=\"{t('body-iframe-title')}\"></iframe>"
            f"{t('body-raw')}"
        )
    return "".join(parts) + filler


# Rule fields the rule set checks (URLs, a media id): a payload there may be refused.
CHECKED_PLACES = ("links", "library", "clip")
SAFE_CLIP = {"video_id": "dQw4w9WgXcQ", "poster": "https://img.example-news.test/clip.jpg"}


def hostile_rules(payload: Payload, places: frozenset[str] = frozenset()) -> RuleSet:
    """The default rules with the payload in labels, targeting, promo and card texts, and
    in those of ``CHECKED_PLACES`` named in ``places``: the URLs of the promo action and the
    related-card links, the ad library's script URL, a playlist clip's id and poster.
    """
    t = payload.text
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    units = {unit["id"]: unit for unit in data["units"]}
    if "library" in places:
        data.setdefault("ads", {})["library"] = t("library")
    for name in ("top", "mid", "bottom"):
        units[name]["label"] = t(f"{name}-label")
        units[name]["targeting"] = {"pos": t(f"{name}-targeting"), t(f"{name}-key"): "v"}
    links = "links" in places
    promo = units["newsletter"]
    promo["heading"] = t("promo-heading")
    promo["text"] = t("promo-text")
    promo["action"] = {"url": t("promo-url") if links else SAFE_URL, "title": t("promo-title")}
    data["units"].append({
        "id": "more", "kind": "related", "position": "bottom",
        "links": [{"url": t("card-url") if links else SAFE_URL, "title": t("card-title")}],
    })
    clip = (
        {"video_id": t("clip-id"), "poster": t("clip-poster")} if "clip" in places else SAFE_CLIP
    )
    data["units"].append({
        "id": "clip", "kind": "video", "position": "bottom", "source": "playlist",
        "playlist": [{"provider": "youtube", "title": t("clip-title"), **clip}],
    })
    return parse_rules(json.dumps(data), source=f"{payload.id}.json")


# --- the browser --------------------------------------------------------------------------


@dataclass
class PageJob:
    """One rendered page and what must hold for it."""

    path: Path
    payload: Payload
    expect: dict[str, str] = field(default_factory=dict)  # DOM text -> the literal payload
    ld_headline: str | None = None
    ad_targeting: str | None = None
    section: str | None = None
    library: str | None = None


@dataclass
class Findings:
    pages: int = 0
    executions: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rule_links: list[str] = field(default_factory=list)
    foreign_loads: list[str] = field(default_factory=list)
    jobs: int = 0


def shown(text: str) -> str:
    """Text as the DOM shows it: controls and U+FFFD dropped, whitespace collapsed."""
    text = re.sub(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]", "", text)
    return " ".join(text.split())


async def _load(page: Page, job: PageJob, known: frozenset[str], found: Findings) -> None:
    await page.goto(job.path.as_uri(), wait_until="load", timeout=LOAD_TIMEOUT_MS)
    data = await page.evaluate(INSPECT)
    for frame in page.frames:
        if not frame.url.startswith(("file:", "about:srcdoc", "data:", "blob:")):
            # An empty frame (a player's, lazy or refused: only files load here) holds no
            # document of its own, so nothing can have run in it; Playwright would wait
            # for one forever.
            continue
        try:
            calls = await asyncio.wait_for(
                frame.evaluate("() => window.__xssCalls || []"), FRAME_TIMEOUT_S
            )
        except Exception as error:  # a frame that went away: nothing ran in it
            detached = "detached" in str(error).lower()
            calls = [] if detached else [f"unreadable frame {frame.url[:80]}: {error!r}"]
        found.executions += [f"{job.path.name}: {call}" for call in calls]
    found.pages += 1
    name = job.path.name
    found.problems += [f"{name}: event handler {h}" for h in data["handlers"]]
    found.problems += [f"{name}: {problem}" for problem in _frame_problems(data["frames"])]
    found.problems += [f"{name}: {problem}" for card in data["cards"]
                       if (problem := card_problem(card)) is not None]
    for url in data["urls"]:
        if url.startswith("rules "):
            found.rule_links.append(f"{name}: script URL from the rules: {url[6:]}")
        else:
            found.problems.append(f"{name}: script URL {url}")
    for script in data["scripts"]:
        if script["type"] in ("application/ld+json", "application/json"):
            try:
                value = json.loads(script["text"])
            except ValueError:
                found.problems.append(f"{name}: {script['type']} script broken: "
                                      f"{script['text'][:120]!r}")
                continue
            if (
                script["type"] == "application/ld+json"
                and value.get("@type") == "NewsArticle"
                and job.ld_headline is not None
                and shown(str(value.get("headline"))) != shown(job.ld_headline)
            ):
                found.problems.append(f"{name}: JSON-LD headline {value.get('headline')!r}")
            if script["ads"]:
                _check_ad_config(job, value, found)
        elif script["src"] is not None:
            if script["src"] != job.library:
                found.problems.append(f"{name}: foreign script src {script['src'][:120]!r}")
        elif script["text"].strip() not in known:
            found.problems.append(f"{name}: foreign inline script {script['text'][:120]!r}")
    for key, literal in job.expect.items():
        values = data[key] if isinstance(data[key], list) else [data[key]]
        if shown(literal) not in [shown(value) for value in values]:
            found.problems.append(f"{name}: {key} shows {values!r}, not {literal!r}")
    if job.payload.is_template_syntax:
        literals = [text for text in LITERAL_TEMPLATE_TEXT if text in job.payload.template]
        where = " ".join(data["h1"]) if "h1" in job.expect else data["bodyText"]
        for literal in literals:
            if literal not in where:
                found.problems.append(f"{name}: {literal!r} not shown literally: {where[:200]!r}")
        if literals and "49" in data["bodyText"]:
            found.problems.append(f"{name}: 7*7 was evaluated: '49' in the page text")


def _frame_problems(frames: list[dict[str, Any]]) -> list[str]:
    """Every frame must be a listed player with a player's sandbox (tests/support/frames)."""
    found = (frame_problem(frame["tag"], frame) for frame in frames)
    return [problem for problem in found if problem is not None]


def _foreign_load(url: str, resource_type: str) -> str | None:
    """A document or script fetched from outside the page's folder that no provider's
    player or allowed ad library explains (images may come from anywhere: they run
    nothing)."""
    if url.startswith("file://") or resource_type not in ("document", "script"):
        return None
    if resource_type == "document" and embed_src_problem(url) is None:
        return None
    parts = split_url(url)
    if resource_type == "script" and parts is not None and parts.hostname in AD_LIBRARY_HOSTS:
        return None
    return f"{resource_type} {url[:120]}"


def _page_of(request: Request) -> str:
    """The file name of the page a request came from (a frame's, or the top page's)."""
    try:
        return request.frame.page.url.rsplit("/", 1)[-1]
    except Exception:  # a request of a frame already gone, or of no frame at all
        return "?"


def _check_ad_config(job: PageJob, config: dict[str, Any], found: Findings) -> None:
    name = job.path.name
    section = config["page"]["targeting"]["section"]
    if job.section is not None and shown(section) != shown(job.section):
        found.problems.append(f"{name}: ad config section {section!r}")
    if job.ad_targeting is not None:
        positions = [slot["targeting"].get("pos") for slot in config["slots"]]
        if shown(job.ad_targeting) not in [shown(str(p)) for p in positions]:
            found.problems.append(f"{name}: ad targeting {positions!r}")


async def _browse(make_jobs: Iterator[PageJob], known: frozenset[str]) -> Findings:
    """Load every page ``make_jobs`` yields; rendering (in a thread) overlaps the loading."""
    found = Findings()
    loop = asyncio.get_running_loop()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(java_script_enabled=True)
            await context.add_init_script(INIT_SCRIPT)

            async def only_files(route: Route) -> None:
                request = route.request
                foreign = _foreign_load(request.url, request.resource_type)
                if foreign is not None:
                    found.foreign_loads.append(f"{_page_of(request)}: {foreign}")
                if request.url.startswith("file://"):
                    await route.continue_()
                else:
                    await route.abort()

            await context.route("**/*", only_files)
            pending: set[asyncio.Future[None]] = set()
            queue: asyncio.Queue[PageJob | None] = asyncio.Queue()

            def produce() -> None:
                try:
                    for job in make_jobs:
                        found.jobs += 1
                        loop.call_soon_threadsafe(queue.put_nowait, job)
                finally:
                    for _ in range(TABS):
                        loop.call_soon_threadsafe(queue.put_nowait, None)

            producer = loop.run_in_executor(None, produce)

            async def worker() -> None:
                page = await context.new_page()

                def on_dialog(dialog: Dialog) -> None:
                    found.dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
                    pending.add(asyncio.ensure_future(dialog.dismiss()))

                page.on("dialog", on_dialog)
                while (job := await queue.get()) is not None:
                    try:
                        await _load(page, job, known, found)
                    except Exception as error:  # a page that fails to load is a finding
                        found.problems.append(f"{job.path.name}: load failed: {error}")
                await page.close()

            await asyncio.gather(producer, *(worker() for _ in range(TABS)))
        finally:
            await browser.close()
    return found


# --- fixtures -----------------------------------------------------------------------------


def _require_chromium() -> None:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing (scripts/setup.sh installs chromium)", pytrace=False)


@pytest.fixture(scope="module")
def theme_scripts() -> frozenset[str]:
    """The theme's own inline scripts, from clean sample pages."""
    import lxml.html

    engine = Engine(development=True)
    found: set[str] = set()
    for path in sorted((SAMPLES / "articles").glob("*.json")):
        html = engine.render(load_article(path), Viewer()).html
        for script in lxml.html.document_fromstring(html).iter("script"):
            if not script.get("type") and not script.get("src"):
                found.add((script.text or "").strip())
    assert len(found) == 2, "expected the click-to-play and the GPT bootstraps"
    return frozenset(found)


def _write(folder: Path, name: str, html: str) -> Path:
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


BODY_GROUP = 4  # payloads per body-HTML page


def _accepted_rules(payload: Payload) -> RuleSet:
    """The hostile rules with the payload in every place the rule set accepts it: a script
    URL in a link, any library off the allowed hosts, or a clip id that is not a plain
    token is refused when the rules load (tested below); the payload goes everywhere else."""
    accepted = set()
    for place in CHECKED_PLACES:
        try:
            hostile_rules(payload, frozenset({place}))
        except ConfigError:
            continue
        accepted.add(place)
    return hostile_rules(payload, frozenset(accepted))


def _jobs(folder: Path) -> Iterator[PageJob]:
    """Article JSON pages (one payload each) and body HTML pages (BODY_GROUP payloads each),
    anonymous and subscriber, under rules that carry the same payload everywhere."""
    for number, payload in enumerate(PAYLOADS):
        engine = Engine(_accepted_rules(payload), development=True)
        library = engine.rules.ads.library
        parts = split_url(library) if library else None
        host = parts.hostname if parts is not None else None
        assert host in AD_LIBRARY_HOSTS, f"{payload.id}: the rules took the library {library!r}"
        data = hostile_article(payload)
        article = article_from_json(json.dumps(data), source=f"{payload.id}.json")
        group = PAYLOADS[number : number + BODY_GROUP] if number % BODY_GROUP == 0 else ()
        body = None
        if group:
            body = article_from_html(hostile_body(group), {"headline": f"Body {payload.id}"},
                                     source=f"{payload.id}.meta.json")
        for audience, viewer in VIEWERS.items():
            html = engine.render(article, viewer).html
            expect = {"h1": data["headline"], "dek": data["dek"], "byline": data["byline"],
                      "section": data["section"]}
            if audience == "anonymous":
                expect |= {"adLabels": payload.text("mid-label"),
                           "promoHeading": payload.text("promo-heading"),
                           "promoText": payload.text("promo-text"),
                           "promoAction": payload.text("promo-title")}
                assert 'class="promo-action"' in html and "related-unit" in html
            yield PageJob(
                _write(folder, f"{payload.id}-json-{audience}.html", html), payload, expect,
                ld_headline=data["headline"], ad_targeting=payload.text("top-targeting"),
                section=data["section"], library=library,
            )
            if body is not None:
                html = engine.render(body, viewer).html
                yield PageJob(_write(folder, f"{payload.id}-body-{audience}.html", html),
                              payload, library=library)


@pytest.fixture(scope="module")
def browsed(tmp_path_factory: pytest.TempPathFactory, theme_scripts: frozenset[str]) -> Findings:
    """Every hostile page rendered, written and loaded once; the tests read the findings."""
    _require_chromium()
    found = asyncio.run(_browse(_jobs(tmp_path_factory.mktemp("hostile")), theme_scripts))
    report(
        f"hostile content: {len(PAYLOADS)} payloads tried, {found.pages} pages loaded, "
        f"{len(found.executions)} executions, {len(found.dialogs)} dialogs, "
        f"{len(found.problems)} content problems, {len(found.rule_links)} rule-link script URLs"
    )
    return found


# --- tests --------------------------------------------------------------------------------


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(PAYLOADS) >= 100
    markers = {p.text("x") for p in PAYLOADS}
    assert len(markers) == len(PAYLOADS)
    for payload in PAYLOADS:
        assert "$" in payload.template, f"{payload.id} carries no marker"


def test_no_payload_executes_and_no_dialog_opens(
    browsed: Findings,
) -> None:
    found = browsed
    assert found.jobs == 2 * len(PAYLOADS) + 2 * -(-len(PAYLOADS) // BODY_GROUP)
    assert found.pages == found.jobs
    assert found.executions == [], "\n".join(found.executions[:50])
    assert found.dialogs == [], "\n".join(found.dialogs[:50])


def test_pages_carry_no_handler_foreign_script_or_script_url_and_show_text_as_text(
    browsed: Findings,
) -> None:
    found = browsed
    assert found.problems == [], "\n".join(found.problems[:80])


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JaVaScRiPt:alert(1)",
                                 "vbscript:msgbox(1)", "data:text/html,<script>x</script>",
                                 "java\tscript:alert(1)"])
def test_a_script_url_in_a_rule_link_is_refused_when_the_rules_load(url: str) -> None:
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["units"].append({"id": "more", "kind": "related", "position": "bottom",
                          "links": [{"url": url, "title": "More"}]})
    with pytest.raises(ConfigError) as raised:
        parse_rules(json.dumps(data), source="rules.json")
    assert "units[5].links[0].url" in str(raised.value)


def test_no_page_loads_a_frame_or_script_from_a_foreign_origin(browsed: Findings) -> None:
    """Only known providers' players (sandboxed) and the allowed ad library may load."""
    assert browsed.foreign_loads == [], "\n".join(browsed.foreign_loads[:40])


@pytest.mark.parametrize("library", [
    "data:text/javascript,alert(1)", "data:application/javascript;base64,YWxlcnQoMSk=",
    "javascript:alert(1)", "https://attacker.example/gpt.js", "//attacker.example/gpt.js",
    "/js/gpt.js", "https://user:pass@securepubads.g.doubleclick.net/tag/js/gpt.js",
    "https://securepubads.g.doubleclick.net.attacker.example/tag/js/gpt.js",
    "http://securepubads.g.doubleclick.net/tag/js/gpt.js",
])
def test_a_library_off_the_allowed_hosts_is_refused_when_the_rules_load(library: str) -> None:
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["ads"] = {"library": library}
    with pytest.raises(ConfigError) as raised:
        parse_rules(json.dumps(data), source="rules.json", development=False)
    assert "ads.library: expected" in str(raised.value)


def test_a_library_host_the_rules_add_is_allowed() -> None:
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["ads"] = {"library": "https://cdn.example-news.test/prebid.js",
                   "library_hosts": ["cdn.example-news.test"]}
    rules = parse_rules(json.dumps(data), source="rules.json", development=False)
    assert rules.ads.library == "https://cdn.example-news.test/prebid.js"


def test_rule_link_urls_never_become_script_urls(browsed: Findings) -> None:
    """The promo action and related-card URLs come from the rules; `javascript:` must not
    reach an href (content URLs are filtered by ``is_safe_url``; these were not)."""
    assert browsed.rule_links == [], "\n".join(browsed.rule_links[:40])


def test_the_harness_sees_an_execution_when_one_happens(
    tmp_path: Path, theme_scripts: frozenset[str]
) -> None:
    """A page written by hand, bypassing the engine, must be caught on every count."""
    _require_chromium()
    payload = PAYLOADS[0]
    page = (
        "<!DOCTYPE html><html><head><title>canary</title></head><body><main>"
        "<img src=x onerror=\"__xss('CANARY-1')\"><script>alert('CANARY-2')</script>"
        "<a href=\"javascript:__xss('CANARY-3')\">x</a>"
        "<iframe src=\"https://attacker.example/CANARY-4\"></iframe>"
        "<button data-player=\"https://attacker.example/CANARY-6\" data-sandbox=\"\">x</button>"
        "<script async src=\"data:text/javascript,__xss('CANARY-5')\"></script>"
        "</main></body></html>"
    )
    job = PageJob(_write(tmp_path, "canary.html", page), payload)
    found = asyncio.run(_browse(iter([job]), theme_scripts))
    assert sorted(found.executions) == [
        "canary.html: alert:CANARY-2",
        "canary.html: xss:CANARY-1",
        "canary.html: xss:CANARY-5",
    ]
    assert any("frame of an unknown origin: not a listed embed host" in p
               for p in found.problems), found.problems
    assert any("card of an unknown origin" in p for p in found.problems), found.problems
    assert [load.split(": ", 1)[1] for load in found.foreign_loads] == [
        "document https://attacker.example/CANARY-4"
    ]
    assert any("event handler IMG onerror" in p for p in found.problems), found.problems
    assert any("script URL A href=javascript:" in p for p in found.problems), found.problems
    assert any("foreign inline script" in p for p in found.problems), found.problems


CLICK_ALL = """
async () => {
  const buttons = Array.from(document.querySelectorAll("button[data-player]"));
  for (const button of buttons) { button.click(); }
  await new Promise((done) => setTimeout(done, 50));
  return { clicked: buttons.length,
           left: document.querySelectorAll("button[data-player]").length,
           frames: Array.from(document.querySelectorAll("iframe")).map((f) =>
             Object.fromEntries(Array.from(f.attributes).map((a) => [a.name, a.value]))) };
}
"""


def test_a_click_loads_only_the_providers_player_with_its_sandbox(tmp_path: Path) -> None:
    """Every click-to-load card and video card of frames in every container, clicked in
    Chromium: each becomes an iframe of a listed player with a player's sandbox, and the
    only documents asked for are those players (refused here: no network)."""
    _require_chromium()
    from tests.support.frames import CONTAINERS, FOREIGN, KNOWN, TRICKS

    body = "".join(f"<p>{name}</p>{markup.format(FOREIGN + KNOWN + ''.join(TRICKS))}"
                   for name, markup in CONTAINERS.items())
    article = article_from_html(body, {"headline": "Frames"}, source="frames.html")
    page = _write(tmp_path, "frames.html",
                  Engine(development=True).render(article, VIEWERS["subscriber"]).html)

    async def click_all() -> tuple[dict[str, Any], list[str]]:
        requests: list[str] = []
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = await browser.new_context()

                async def only_files(route: Route) -> None:
                    if route.request.resource_type == "document":
                        requests.append(route.request.url)
                    if route.request.url.startswith("file://"):
                        await route.continue_()
                    else:
                        await route.abort()

                await context.route("**/*", only_files)
                tab = await context.new_page()
                await tab.goto(page.as_uri(), wait_until="load")
                result = await tab.evaluate(CLICK_ALL)
            finally:
                await browser.close()
        return result, requests

    result, requests = asyncio.run(click_all())
    assert result["clicked"] >= len(CONTAINERS) and result["left"] == 0
    assert len(result["frames"]) == result["clicked"]
    problems = [frame_problem("iframe", frame) for frame in result["frames"]]
    assert [p for p in problems if p is not None] == []
    loaded = [url for url in requests if not url.startswith("file://")]
    assert loaded and [url for url in loaded if embed_src_problem(url) is not None] == []
