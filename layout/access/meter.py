"""The anonymous meter: an HMAC-signed token holding the period and the articles counted.

Format: ``v1.<payload>.<signature>``, base64url without padding. The payload is compact
JSON: ``{"p": period key, "a": [article digests]}``, with ``"m": name`` for a meter other
than the default one (a token counts for its own meter only). Article ids are stored as
short digests, so the cookie does not spell out a reader's history. A token that is malformed,
tampered with, signed with another secret or from an earlier period reads as a fresh
meter: never as extra allowance, and never as an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from layout.access.tokens import b64decode, b64encode
from layout.viewer import Viewer

if TYPE_CHECKING:
    from layout.access.terms import AccessTerms

Period = Literal["month", "week", "day"]
VERSION = "v1"
DEFAULT_METER = "default"
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


def encode_meter(state: MeterState, secret: bytes) -> str:
    data: dict[str, object] = {"p": state.period, "a": list(state.articles)}
    if state.name != DEFAULT_METER:
        data["m"] = state.name
    payload = b64encode(json.dumps(data, separators=(",", ":")).encode("utf-8"))
    return f"{VERSION}.{payload}.{_sign(secret, payload)}"


def decode_meter(token: str | None, secret: bytes, current_period: str,
                 name: str = DEFAULT_METER) -> MeterState:
    """The meter ``name`` a token holds for the current period; fresh for anything not
    valid, and for a token of another meter."""
    fresh = MeterState(current_period, (), name)
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return fresh
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        return fresh
    _, payload, signature = parts
    if not (payload.isascii() and signature.isascii()):
        return fresh
    try:
        if not hmac.compare_digest(_sign(secret, payload), signature):
            return fresh
        data = json.loads(b64decode(payload))
    except (ValueError, UnicodeError, RecursionError):
        # RecursionError: a validly signed payload of deeply nested JSON (the secret's
        # holder is trusted, but a token is still read as untrusted text).
        return fresh
    if not isinstance(data, dict) or data.get("p") != current_period:
        return fresh
    if data.get("m", DEFAULT_METER) != name:
        return fresh
    articles = data.get("a")
    if not isinstance(articles, list) or not all(isinstance(a, str) for a in articles):
        return fresh
    return MeterState(current_period, tuple(dict.fromkeys(articles)), name)


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
