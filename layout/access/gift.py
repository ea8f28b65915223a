"""Gift links: a subscriber's signed, expiring token that opens one article to whoever
holds it.

Format: ``g1.<payload>.<signature>``, base64url without padding, signed with the engine's
signing secret (the meter's) under a purpose of its own, so a meter token never passes for
a gift. The payload is compact JSON: the article's digest (``a``), the issuer's digest
(``i``), the expiry in Unix seconds (``e``), the month the gift was made in (``m``) and its
number among the issuer's gifts that month (``n``). A subscriber's monthly allowance is
carried by the family of their tokens: the next gift is minted from the last one, whose
number it continues, so no store of counts is needed (like the meter, it holds readers
who use the product as given, not one who keeps old tokens to start again).

A token that is malformed, tampered with, expired, or made for another article is no gift:
the reader reads as they would without it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from layout.access.meter import article_digest, period_key
from layout.access.tokens import b64encode, signed_payload, signed_token

VERSION = "g1"
MAX_TOKEN_LENGTH = 1024


class GiftRefused(ValueError):
    """No gift can be made: the reason says why (the month's gifts are used up)."""


@dataclass(frozen=True)
class Gift:
    article: str  # the article's digest
    issuer: str  # the issuer's digest
    expires: int  # Unix seconds
    month: str  # the month it was made in (2026-11)
    number: int  # its number among the issuer's gifts that month, from 1

    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, UTC)


def issuer_digest(issuer: str, secret: bytes) -> str:
    """The issuer as the token names them: keyed, so that whoever holds a gift link
    cannot test guesses of the giver's id against it."""
    return hmac.new(secret, ("issuer:" + issuer).encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def mint_gift(article_id: str, issuer: str, *, secret: bytes, now: datetime, days: int,
              per_month: int, previous: str | None = None) -> tuple[str, Gift]:
    """A gift of one article from ``issuer`` (a subscriber's id), valid ``days`` from now;
    ``previous`` is the issuer's last gift token, whose number this one continues when it
    is theirs and of this month. Raises GiftRefused when the month's gifts are used up."""
    month = period_key("month", now)
    me = issuer_digest(issuer, secret)
    last = read_gift(previous, secret) if previous else None
    number = last.number + 1 if last and last.issuer == me and last.month == month else 1
    if number > per_month:
        raise GiftRefused(f"{issuer} has given the {per_month} gifts of {month}")
    expires = int((now + timedelta(days=days)).timestamp())
    gift = Gift(article_digest(article_id), me, expires, month, number)
    data = {"a": gift.article, "i": gift.issuer, "e": gift.expires, "m": month, "n": number}
    return signed_token(data, version=VERSION, sign=lambda p: _sign(secret, p)), gift


def check_gift(token: str | None, article_id: str, *, secret: bytes | None,
               now: datetime) -> tuple[Gift | None, str]:
    """The gift the token makes of this article now (None if it makes none), and why."""
    gift = read_gift(token, secret) if token and secret is not None else None
    if gift is None:
        return None, "not a valid gift token"
    if gift.article != article_digest(article_id):
        return None, "a gift of another article"
    if gift.expires <= now.timestamp():
        return None, f"expired at {gift.expires_at().isoformat()}"
    return gift, f"a gift of this article until {gift.expires_at().isoformat()}"


def gift_for(token: str | None, article_id: str, *, secret: bytes | None,
             now: datetime) -> Gift | None:
    """The gift the token makes of this article now, or None (no token, no secret, not
    valid, expired, or for another article)."""
    return check_gift(token, article_id, secret=secret, now=now)[0]


def read_gift(token: str | None, secret: bytes) -> Gift | None:
    """The gift a token holds when its signature is good (whatever its expiry), else None."""
    data = signed_payload(token, version=VERSION, sign=lambda p: _sign(secret, p),
                          max_length=MAX_TOKEN_LENGTH)
    if data is None:
        return None
    fields = (data.get("a"), data.get("i"), data.get("e"), data.get("m"), data.get("n"))
    article, issuer, expires, month, number = fields
    if not (isinstance(article, str) and isinstance(issuer, str) and isinstance(month, str)):
        return None
    if not (isinstance(expires, int) and isinstance(number, int)):
        return None
    if isinstance(expires, bool) or isinstance(number, bool):
        return None
    return Gift(article, issuer, expires, month, number)


def _sign(secret: bytes, payload: str) -> str:
    message = f"gift.{VERSION}.{payload}".encode("ascii")
    return b64encode(hmac.new(secret, message, hashlib.sha256).digest())
