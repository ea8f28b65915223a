"""Gift links: a subscriber's signed, expiring token opens one article in full to whoever
holds it, and only that one; a tampered, expired or misused token is no gift; the month's
allowance goes on from token to token. Made and checked in Python, by the CLI and over
HTTP on loopback."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from layout import Engine, Viewer
from layout.access.gift import GiftRefused, check_gift, mint_gift
from layout.access.meter import MeterState, encode_meter
from layout.access.policy import CACHE_HEADERS
from layout.article import article_from_data
from tests.support.cli import layout
from tests.support.server import RunningServer, running_server

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
SECRET = b"gift-test-secret-" * 2
ENGINE = Engine(meter_secret=SECRET.decode())


def story(article_id: str, access: str = "premium"):
    blocks = [{"kind": "paragraph", "html": f"Paragraph {n} of {article_id} " + "word " * 30}
              for n in range(8)]
    blocks.append({"kind": "paragraph", "html": f"The end canary-{article_id}."})
    return article_from_data({"id": article_id, "headline": article_id, "access": access,
                              "blocks": blocks})


def gift(article_id: str = "story-a", issuer: str = "sub-1", *, now: datetime = NOW,
         previous: str | None = None, per_month: int = 3, days: int = 7) -> str:
    return mint_gift(article_id, issuer, secret=SECRET, now=now, days=days,
                     per_month=per_month, previous=previous)[0]


def read(article, token: str | None, now: datetime = NOW):
    return ENGINE.render(article, Viewer(gift=token), now=now)


def test_a_gift_opens_its_article_in_full_to_an_anonymous_reader():
    result = read(story("story-a"), gift())
    assert "canary-story-a" in result.html
    assert result.plan["paywall"]["gift"] is True and result.plan["paywall"]["wall"] is None
    assert result.cache_class == "gift"
    assert result.cache_headers == CACHE_HEADERS["gift"]
    assert "private" in result.cache_headers["Cache-Control"]


@pytest.mark.parametrize(("case", "token", "article", "when"), [
    ("another article", "story-a", "story-b", NOW),
    ("expired", "story-a", "story-a", NOW + timedelta(days=8)),
    ("tampered", "story-a!", "story-a", NOW),
    ("signed elsewhere", "story-a?", "story-a", NOW),
    ("a meter token", "meter", "story-a", NOW),
    ("huge", "huge", "story-a", NOW),
    ("none", None, "story-a", NOW),
])
def test_what_is_no_gift_leaves_the_wall(case, token, article, when):
    if token == "story-a!":
        good = gift()
        token = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    elif token == "story-a?":
        token = mint_gift("story-a", "sub-1", secret=b"x" * 32, now=NOW, days=7,
                          per_month=3)[0]
    elif token == "meter":
        token = encode_meter(MeterState("2026-11", ()), SECRET)
    elif token == "huge":
        token = "g1." + "A" * 100_000 + ".x"
    elif token is not None:
        token = gift(token)
    result = read(story(article), token, when)
    assert result.plan["paywall"]["wall"] == "subscribe", case
    assert f"canary-{article}" not in result.html
    assert result.plan["paywall"]["gift"] is False


def test_a_gift_does_not_count_on_the_meter():
    engine = Engine(meter_secret=SECRET.decode())
    result = engine.render(story("story-a", access="metered"), Viewer(gift=gift()), now=NOW)
    assert result.plan["paywall"]["gift"] is True
    assert result.plan["paywall"]["meter"] is None and result.meter_token is None


def test_the_allowance_goes_on_from_token_to_token():
    first = gift("a1")
    second = gift("a2", previous=first)
    third = gift("a3", previous=second)
    assert [check_gift(t, a, secret=SECRET, now=NOW)[0].number
            for t, a in ((first, "a1"), (second, "a2"), (third, "a3"))] == [1, 2, 3]
    with pytest.raises(GiftRefused, match="3 gifts"):
        gift("a4", previous=third)
    # another subscriber's token, or last month's, starts a count of its own
    assert check_gift(gift("b1", "sub-2", previous=third), "b1", secret=SECRET,
                      now=NOW)[0].number == 1
    next_month = NOW + timedelta(days=20)
    assert check_gift(gift("a5", previous=third, now=next_month), "a5", secret=SECRET,
                      now=next_month)[0].number == 1


def test_check_says_why():
    token = gift()
    assert check_gift(token, "story-a", secret=SECRET, now=NOW)[1].startswith("a gift of this")
    assert check_gift(token, "story-b", secret=SECRET, now=NOW)[1] == "a gift of another article"
    late = NOW + timedelta(days=30)
    assert check_gift(token, "story-a", secret=SECRET, now=late)[1].startswith("expired")
    assert check_gift("nonsense", "story-a", secret=SECRET, now=NOW)[1] == "not a valid gift token"


def test_the_cli_makes_and_checks_a_gift():
    made = layout("gift", "mint", "story-a", "--issuer", "sub-1")
    assert made.returncode == 0, made.stderr
    token = json.loads(made.stdout)["token"]
    valid = layout("gift", "check", token, "story-a")
    assert valid.returncode == 0 and valid.stdout.startswith("valid")
    other = layout("gift", "check", token, "story-b")
    assert other.returncode == 1 and "another article" in other.stdout


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server() as running:
        yield running


def test_the_http_api_makes_checks_and_honours_a_gift(server: RunningServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        made = http.post("/v1/gifts", json={"article_id": "story-a", "issuer": "sub-1"})
        assert made.status_code == 201, made.text
        token = made.json()["token"]
        check = http.post("/v1/gifts/check", json={"token": token, "article_id": "story-a"})
        assert check.json()["valid"] is True
        wrong = http.post("/v1/gifts/check", json={"token": token, "article_id": "story-b"})
        assert wrong.json() == {"valid": False, "reason": "a gift of another article",
                                "expires": None}
        article = json.loads(story("story-a").model_dump_json())
        opened = http.post("/v1/render", json={"article": article, "viewer": {"gift": token},
                                                "format": "json"})
        assert opened.json()["paywall"]["gift"] is True
        assert opened.headers["cache-control"].startswith("private")
        bad = http.post("/v1/gifts", json={"article_id": "", "issuer": "sub-1"})
        assert bad.status_code == 422
        assert bad.headers["content-type"].startswith("application/problem+json")


def test_a_gift_does_not_name_its_giver():
    """The issuer is keyed with the secret: a guess of the giver's id cannot be checked
    against the token."""
    token = gift(issuer="alice@example.com")
    payload = token.split(".")[1]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert data["i"] != hashlib.sha256(b"issuer:alice@example.com").hexdigest()[:16]
    assert "alice" not in token
