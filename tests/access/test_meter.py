"""The anonymous meter: counting, re-reads, the limit, period roll-over, hostile tokens and
the signing secret an engine needs before it may meter."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from layout import ConfigError, Engine, Viewer
from layout.access.meter import (
    MAX_TOKEN_LENGTH,
    MeterState,
    _sign,
    article_digest,
    decode_meter,
    encode_meter,
    period_key,
)
from layout.access.secret import DEVELOPMENT_SECRET
from layout.article import article_from_data
from layout.rules import Meter, Paywall, Preview, load_rules

SECRET = DEVELOPMENT_SECRET.encode("utf-8")
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)
LIMIT = 3


def rules_with(**paywall):
    base = load_rules()
    return base.model_copy(update={"paywall": Paywall(**paywall)})


def metered_engine(limit=LIMIT, period="month", secret=None):
    rules = rules_with(mode="metered", preview=Preview(paragraphs=2),
                       meter=Meter(limit=limit, period=period))
    return Engine(rules, meter_secret=secret, development=secret is None)


def story(article_id, paragraphs=6, access="metered"):
    blocks = [
        {"kind": "paragraph", "html": f"Paragraph {n} of {article_id} with some ordinary words."}
        for n in range(1, paragraphs)
    ]
    blocks.append({"kind": "paragraph", "html": f"The end of the story, canary-{article_id}."})
    return article_from_data(
        {"id": article_id, "headline": f"Story {article_id}", "access": access, "blocks": blocks}
    )


def read(engine, article, token=None, audience="anonymous", now=NOW):
    return engine.render(article, Viewer(audience=audience, meter=token), now=now)


def meter_of(result):
    """The plan's meter: the default meter (its count compared; its period is the
    rules')."""
    meter = dict(result.plan["paywall"]["meter"])
    assert meter.pop("name") == "default" and meter.pop("period") in ("month", "week", "day")
    return meter


def full_token(limit=LIMIT, period="2026-11", secret=SECRET):
    """A valid token that has used up the whole allowance."""
    digests = tuple(article_digest(f"already-read-{n}") for n in range(limit))
    return encode_meter(MeterState(period, digests), secret)


# --- counting ---------------------------------------------------------------------------


def test_each_new_article_counts_and_decrements_remaining():
    engine = metered_engine()
    token = None
    for number in range(1, LIMIT + 1):
        result = read(engine, story(f"a{number}"), token)
        assert meter_of(result) == {"limit": LIMIT, "remaining": LIMIT - number, "counted": True}
        assert result.plan["paywall"]["entitled"] is True
        assert f"canary-a{number}" in result.html
        assert result.meter_token is not None
        token = result.meter_token
        state = decode_meter(token, SECRET, "2026-11")
        assert state.count == number
        assert state.has_read(f"a{number}")


def test_counted_reader_sees_the_meter_notice():
    result = read(metered_engine(), story("a1"))
    assert f"{LIMIT - 1} of {LIMIT} free articles left this month" in result.html


def test_rereading_a_counted_article_is_free():
    engine = metered_engine()
    first = read(engine, story("a1"))
    second = read(engine, story("a1"), first.meter_token)
    assert meter_of(second) == {"limit": LIMIT, "remaining": LIMIT - 1, "counted": False}
    assert decode_meter(second.meter_token, SECRET, "2026-11") == decode_meter(
        first.meter_token, SECRET, "2026-11"
    )
    assert "canary-a1" in second.html
    assert "free articles left" not in second.html  # no notice for an article not counted


def test_the_limit_walls_the_next_new_article():
    engine = metered_engine()
    token = None
    for number in range(1, LIMIT + 1):
        token = read(engine, story(f"a{number}"), token).meter_token
    walled = read(engine, story("a-next"), token)
    paywall = walled.plan["paywall"]
    assert paywall["entitled"] is False
    assert paywall["applied"] is True
    assert paywall["wall"] == "meter-exhausted"
    assert paywall["meter"] == {"name": "default", "period": "month", "limit": LIMIT,
                                "remaining": 0, "counted": False}
    assert "canary-a-next" not in walled.html
    assert "paywall-meter-exhausted" in walled.html
    # the walled article is not counted: the token still holds the same articles
    assert decode_meter(walled.meter_token, SECRET, "2026-11").count == LIMIT
    # and an article already counted stays open after the limit
    again = read(engine, story("a2"), walled.meter_token)
    assert again.plan["paywall"]["entitled"] is True
    assert "canary-a2" in again.html


def test_registered_reader_past_the_limit_gets_the_subscribe_wall():
    walled = read(metered_engine(), story("a-next"), full_token(), audience="registered")
    assert walled.plan["paywall"]["wall"] == "subscribe"
    assert walled.plan["paywall"]["entitled"] is False
    assert "paywall-subscribe" in walled.html
    assert "canary-a-next" not in walled.html


def test_limit_zero_walls_the_first_article():
    walled = read(metered_engine(limit=0), story("a1"))
    assert walled.plan["paywall"]["wall"] == "meter-exhausted"
    assert "canary-a1" not in walled.html


# --- periods ----------------------------------------------------------------------------


def test_period_keys():
    moment = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert period_key("month", moment) == "2026-11"
    assert period_key("week", moment) == "2026-W48"
    assert period_key("day", moment) == "2026-11-28"
    # ISO weeks: 1 January 2027 is a Friday, in week 53 of 2026
    assert period_key("week", datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"


def test_period_key_is_the_utc_period():
    """A moment given in another time zone falls in the UTC period (the docstring's promise):
    23:30 at UTC-5 on 30 November is 04:30 UTC on 1 December."""
    moment = datetime(2026, 11, 30, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert period_key("month", moment) == "2026-12"
    assert period_key("day", moment) == "2026-12-01"
    assert period_key("week", moment) == period_key("week", moment.astimezone(UTC))


ROLLOVER = {
    "month": (datetime(2026, 10, 31, 23, 59, tzinfo=UTC), datetime(2026, 11, 1, 0, 1, tzinfo=UTC)),
    "week": (datetime(2026, 11, 22, 23, 59, tzinfo=UTC), datetime(2026, 11, 23, 0, 1, tzinfo=UTC)),
    "day": (datetime(2026, 11, 15, 23, 59, tzinfo=UTC), datetime(2026, 11, 16, 0, 1, tzinfo=UTC)),
}


@pytest.mark.parametrize("period", sorted(ROLLOVER))
def test_a_token_from_the_last_period_reads_as_fresh(period):
    before, after = ROLLOVER[period]
    assert period_key(period, before) != period_key(period, after)
    engine = metered_engine(period=period)
    token = None
    for number in range(1, LIMIT + 1):
        token = read(engine, story(f"a{number}"), token, now=before).meter_token
    # in its own period the token is full
    assert read(engine, story("a-next"), token, now=before).plan["paywall"]["entitled"] is False
    result = read(engine, story("a-next"), token, now=after)
    assert meter_of(result) == {"limit": LIMIT, "remaining": LIMIT - 1, "counted": True}
    assert "canary-a-next" in result.html
    state = decode_meter(result.meter_token, SECRET, period_key(period, after))
    assert state == MeterState(period_key(period, after), (article_digest("a-next"),))


# --- hostile tokens ---------------------------------------------------------------------


def _payload(data) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _signed(payload: str, secret: bytes = SECRET) -> str:
    return f"v1.{payload}.{_sign(secret, payload)}"


def _flip(char: str) -> str:
    return "A" if char != "A" else "B"


def _bad_tokens() -> dict[str, str]:
    valid = full_token()
    version, payload, signature = valid.split(".")
    empty_payload = _payload({"p": "2026-11", "a": []})
    many = tuple(article_digest(f"x{n}") for n in range(400))
    oversized = encode_meter(MeterState("2026-11", many), SECRET)
    assert len(oversized) > MAX_TOKEN_LENGTH
    return {
        "tampered-payload-char": f"{version}.{payload[:5]}{_flip(payload[5])}{payload[6:]}"
        f".{signature}",
        "tampered-payload-swapped": f"{version}.{empty_payload}.{signature}",
        "tampered-signature": f"{version}.{payload}.{signature[:-1]}{_flip(signature[-1])}",
        "random-signature": f"{version}.{payload}.{'x' * len(signature)}",
        "no-signature": f"{version}.{payload}.",
        "truncated-signature": valid[:-6],
        "truncated-to-two-parts": f"{version}.{payload}",
        "truncated-to-version": "v1.",
        "extra-part": f"{valid}.extra",
        "other-secret": full_token(secret=b"some-other-secret"),
        "oversized": oversized,
        "wrong-version-v2": f"v2.{payload}.{signature}",
        "wrong-version-upper": f"V1.{payload}.{signature}",
        "no-version": f"{payload}.{signature}",
        "empty": "",
        "garbage-word": "garbage",
        "garbage-dots": "....",
        "garbage-nul": "\x00\x01\x02",
        "garbage-spaces": "   ",
        "garbage-percent": "v1.%%%.###",
        "garbage-unicode-payload": "v1.é.abc",
        "garbage-unicode-signature": f"v1.{payload}.é",
        "garbage-emoji": "v1.🍪.🍪",
        "garbage-json-looking": '{"p":"2026-11","a":[]}',
        "signed-list-payload": _signed(_payload(["2026-11"])),
        "signed-articles-not-list": _signed(_payload({"p": "2026-11", "a": "abc"})),
        "signed-articles-not-strings": _signed(_payload({"p": "2026-11", "a": [1, 2, 3]})),
        "signed-not-json": _signed(base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("=")),
        "signed-bad-base64": _signed("a"),
    }


BAD_TOKENS = _bad_tokens()


@pytest.mark.parametrize("name", sorted(BAD_TOKENS))
def test_a_bad_token_decodes_as_a_fresh_meter(name):
    assert decode_meter(BAD_TOKENS[name], SECRET, "2026-11") == MeterState("2026-11")


@pytest.mark.parametrize("name", sorted(BAD_TOKENS))
def test_a_bad_token_renders_as_a_fresh_meter(name):
    result = read(metered_engine(), story("a-new"), BAD_TOKENS[name])
    assert meter_of(result) == {"limit": LIMIT, "remaining": LIMIT - 1, "counted": True}
    assert "canary-a-new" in result.html
    fresh = decode_meter(result.meter_token, SECRET, "2026-11")
    assert fresh == MeterState("2026-11", (article_digest("a-new"),))


def test_the_valid_full_token_really_is_full():
    """The bad tokens above are derived from this one: it must be accepted as exhausted."""
    assert decode_meter(full_token(), SECRET, "2026-11").count == LIMIT
    walled = read(metered_engine(), story("a-new"), full_token())
    assert walled.plan["paywall"]["wall"] == "meter-exhausted"


def test_duplicate_digests_count_once_but_never_below_what_was_read():
    digest = article_digest("a1")
    token = _signed(_payload({"p": "2026-11", "a": [digest, digest, digest]}))
    assert decode_meter(token, SECRET, "2026-11") == MeterState("2026-11", (digest,))


def test_a_signed_token_for_another_period_is_fresh():
    token = full_token(period="2026-10")
    assert decode_meter(token, SECRET, "2026-10").count == LIMIT
    assert decode_meter(token, SECRET, "2026-11") == MeterState("2026-11")


def test_the_token_does_not_spell_out_article_ids():
    engine = metered_engine()
    ids = ["council-budget-leak", "harbour-strike-exclusive"]
    token = None
    for article_id in ids:
        token = read(engine, story(article_id), token).meter_token
    assert token is not None
    payload = base64.urlsafe_b64decode(token.split(".")[1] + "==").decode("utf-8")
    for article_id in ids:
        assert article_id not in token
        assert article_id not in payload
        assert article_digest(article_id) in json.loads(payload)["a"]


# --- the signing secret -----------------------------------------------------------------


@pytest.fixture
def production(monkeypatch):
    monkeypatch.delenv("LAYOUT_DEV", raising=False)
    monkeypatch.delenv("LAYOUT_METER_SECRET", raising=False)


@pytest.mark.parametrize("development", [False, None])
def test_metered_rules_without_a_secret_refuse_to_start(production, development):
    rules = rules_with(mode="metered")
    with pytest.raises(ConfigError) as raised:
        Engine(rules, development=development)
    message = str(raised.value)
    assert "LAYOUT_METER_SECRET" in message
    assert "secret" in message and "paywall.mode" in message
    assert raised.value.lines() and all("\n" not in line for line in raised.value.lines())


def test_default_rules_meter_so_they_need_a_secret_in_production(production):
    with pytest.raises(ConfigError, match="LAYOUT_METER_SECRET"):
        Engine()


def test_an_explicit_secret_is_enough_in_production(production):
    engine = metered_engine(secret="explicit-secret")
    token = read(engine, story("a1")).meter_token
    assert decode_meter(token, b"explicit-secret", "2026-11").count == 1
    assert decode_meter(token, SECRET, "2026-11").count == 0


@pytest.mark.parametrize("dev", ["1", None])
def test_the_environment_secret_is_used_when_set(monkeypatch, dev):
    monkeypatch.setenv("LAYOUT_METER_SECRET", "env-secret-123")
    if dev is None:
        monkeypatch.delenv("LAYOUT_DEV", raising=False)
    else:
        monkeypatch.setenv("LAYOUT_DEV", dev)
    rules = rules_with(mode="metered", meter=Meter(limit=LIMIT))
    engine = Engine(rules)
    assert engine.meter_secret == b"env-secret-123"
    token = read(engine, story("a1")).meter_token
    assert decode_meter(token, b"env-secret-123", "2026-11").count == 1
    # not signed with the public development secret
    assert decode_meter(token, SECRET, "2026-11") == MeterState("2026-11")
    # and a token signed with the development secret gives no allowance here
    forged = full_token()
    result = read(engine, story("a2"), forged)
    assert meter_of(result)["remaining"] == LIMIT - 1


def test_development_mode_uses_the_public_development_secret(production):
    engine = metered_engine()
    assert engine.meter_secret == SECRET


@pytest.mark.parametrize("mode", ["free", "hard", "registration"])
def test_rules_that_do_not_meter_need_no_secret(production, mode):
    engine = Engine(rules_with(mode=mode), development=False)
    assert engine.meter_secret is None
    result = read(engine, story("a1"))
    assert result.meter_token is None
    assert result.plan["paywall"]["meter"] is None


def test_free_mode_renders_everything_without_a_secret(production):
    engine = Engine(rules_with(mode="free"), development=False)
    result = read(engine, story("a1", access="premium"))
    assert "canary-a1" in result.html
    assert result.plan["paywall"]["applied"] is False
