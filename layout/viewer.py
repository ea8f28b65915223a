"""Who is reading: device, audience, meter and gift tokens, consent, verified-crawler flag."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Device = Literal["mobile", "desktop"]
Audience = Literal["anonymous", "registered", "subscriber"]


class Viewer(BaseModel):
    """One reader's request.

    ``verified_crawler`` is never derived from a User-Agent or forwarded header: only the
    calling application sets it, after its own reverse-DNS check of the crawler's address.
    ``consent`` False asks for non-personalised ads; ``gpc`` is the reader's Global Privacy
    Control (the ``Sec-GPC: 1`` request header), which asks for non-personalised ads and
    restricted data processing, whatever ``consent`` says.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    device: Device = "mobile"
    audience: Audience = "anonymous"
    meter: str | None = None
    gift: str | None = None  # a gift link's token (``access.gift``)
    consent: bool = True
    gpc: bool = False
    verified_crawler: bool = False
