"""The gift-link endpoints: ``POST /v1/gifts`` makes a subscriber's gift of one article,
``POST /v1/gifts/check`` says whether a token opens an article now. The calling
application vouches for the issuer being a subscriber, as it does for a viewer's audience."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from layout.access.gift import MAX_TOKEN_LENGTH, GiftRefused, check_gift, mint_gift
from layout.access.meter import utc_now
from layout.engine import Engine
from layout.serve.problems import problem_response
from layout.serve.requests import parse_request


class GiftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: str = Field(min_length=1, max_length=200)
    issuer: str = Field(min_length=1, max_length=200, description="the subscriber's id")
    previous: str | None = Field(None, max_length=MAX_TOKEN_LENGTH,
                                 description="the issuer's last gift token")


class GiftCheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)
    article_id: str = Field(min_length=1, max_length=200)


def mint(engine: Engine, raw: bytes) -> Response:
    request = parse_request(raw, GiftRequest)
    if isinstance(request, Response):
        return request
    secret, gifts = engine.meter_secret, engine.rules.paywall.gifts
    if secret is None:
        return problem_response(503, "gift links need a signing secret (LAYOUT_METER_SECRET)")
    try:
        token, gift = mint_gift(request.article_id, request.issuer, secret=secret,
                                now=utc_now(), days=gifts.days, per_month=gifts.per_month,
                                previous=request.previous)
    except GiftRefused as refused:
        return problem_response(409, str(refused), slug="gifts-used-up")
    body = {"token": token, "article_id": request.article_id,
            "expires": gift.expires_at().isoformat(), "number": gift.number,
            "remaining": gifts.per_month - gift.number}
    return JSONResponse(body, status_code=201, headers={"Cache-Control": "no-store"})


def check(engine: Engine, raw: bytes) -> Response:
    request = parse_request(raw, GiftCheckRequest)
    if isinstance(request, Response):
        return request
    gift, reason = check_gift(request.token, request.article_id, secret=engine.meter_secret,
                              now=utc_now())
    body = {"valid": gift is not None, "reason": reason,
            "expires": gift.expires_at().isoformat() if gift else None}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
