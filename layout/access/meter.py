"""The anonymous meter: an HMAC-signed token holding the period and the articles counted.

Format: ``v1.<payload>.<signature>``, base64url without padding. The payload is compact
JSON: ``{"p": period key, "a": [article digests]}`` for the default meter, and the other
meters the rules name under ``"o": {name: {"p": ..., "a": [...]}}``: one cookie holds them
all. Article ids are stored as short digests, so the cookie does not spell out a reader's
history. A token that is malformed,
tampered with, signed with another secret or from an earlier period reads as a fresh
meter: never as extra allowance, and never as an error.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from layout.access.tokens import b64encode, signed_payload, signed_token
from layout.viewer import Viewer

if TYPE_CHECKING:
    from layout.access.terms import AccessTerms

Period = Literal["month", "week", "day"]
VERSION = "v1"
DEFAULT_METER = "default"
MAX_METERS = 8  # meters one token holds at most
MAX_TOKEN_LENGTH = 4096


def period_key(period: Period, now: datetime) -> str:
    """The calendar period (UTC; a naive time is taken as UTC) ``now`` falls in:
    2026-11, 2026-W48 or 2026-11-28."""
    now = now.astimezone(UTC) if now.tzinfo is not None else now
    if period == "month":
        return f"{now.year:04d}-{now.month:02d}"
    if period == "week":
        year, week, _ = now.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"{now.year:04d}-{now.month:02d}-{now.day:02d}"


def article_digest(article_id: str) -> str:
    return hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class MeterState:
    """Articles counted in the current period."""

    period: str
    articles: tuple[str, ...] = ()
    name: str = "default"

    def has_read(self, article_id: str) -> bool:
        return article_digest(article_id) in self.articles

    def with_article(self, article_id: str) -> MeterState:
        if self.has_read(article_id):
            return self
        return MeterState(self.period, (*self.articles, article_digest(article_id)), self.name)

    @property
    def count(self) -> int:
        return len(self.articles)


def _sign(secret: bytes, payload: str) -> str:
    message = f"{VERSION}.{payload}".encode("ascii")
    return b64encode(hmac.new(secret, message, hashlib.sha256).digest())


def encode_meter(state: MeterState, secret: bytes, *, keeping: str | None = None) -> str:
    """The token of ``state``, with the other meters of the reader's token ``keeping``
    kept as they were: one cookie holds every meter, so counting on one never resets
    another."""
    entries = _entries(_payload(keeping, secret)) if keeping else {}
    entries[state.name] = (state.period, state.articles)
    data: dict[str, object] = {}
    default = entries.pop(DEFAULT_METER, None)
    if default is not None:
        data["p"], data["a"] = default[0], list(default[1])
    if entries:
        kept = sorted(entries.items())[:MAX_METERS]
        data["o"] = {name: {"p": period, "a": list(articles)} for name, (period, articles) in kept}
    return signed_token(data, version=VERSION, sign=lambda payload: _sign(secret, payload))


def decode_meter(token: str | None, secret: bytes, current_period: str,
                 name: str = DEFAULT_METER) -> MeterState:
    """The meter ``name`` a token holds for the current period; fresh for anything not
    valid, from another period, or not in the token."""
    entry = _entries(_payload(token, secret)).get(name)
    if entry is None or entry[0] != current_period:
        return MeterState(current_period, (), name)
    return MeterState(current_period, tuple(dict.fromkeys(entry[1])), name)


def _payload(token: str | None, secret: bytes) -> dict[str, Any]:
    """The signed payload of a token; empty for anything not a valid token."""
    data = signed_payload(token, version=VERSION, sign=lambda payload: _sign(secret, payload),
                          max_length=MAX_TOKEN_LENGTH)
    return data if data is not None else {}


def _entries(data: dict[str, Any]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each meter's (period, article digests) in a payload: the default meter's at the
    top (``p``, ``a``), the others' by name under ``o``; malformed entries are left out."""
    entries: dict[str, tuple[str, tuple[str, ...]]] = {}
    default = _entry(data)
    if default is not None:
        entries[DEFAULT_METER] = default
    others = data.get("o")
    if isinstance(others, dict):
        for name, value in list(others.items())[:MAX_METERS]:
            entry = _entry(value) if isinstance(value, dict) else None
            if isinstance(name, str) and name != DEFAULT_METER and entry is not None:
                entries[name] = entry
    return entries


def _entry(value: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
    period, articles = value.get("p"), value.get("a")
    if not isinstance(period, str) or not isinstance(articles, list):
        return None
    if not all(isinstance(article, str) for article in articles):
        return None
    return period, tuple(articles)


def utc_now() -> datetime:
    """The time meter periods are read in (a render may be given its own ``now``)."""
    return datetime.now(UTC)


def reader_meter(
    viewer: Viewer, terms: AccessTerms, secret: bytes | None, now: datetime
) -> MeterState | None:
    """The reader's meter for the current period, when the terms meter (fresh for a token
    that is missing, tampered with, expired, malformed or of another meter)."""
    if terms.mode != "metered" or secret is None:
        return None
    meter = terms.meter
    return decode_meter(viewer.meter, secret, period_key(meter.period, now), meter.name)
