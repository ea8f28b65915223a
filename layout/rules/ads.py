"""The ad stack of a rule set: the ad server's library and lazy loading, header bidding
with Prebid.js, the consent platform the page waits for, and what an empty slot does.

Per-unit settings (format, bidders, refresh, a unit's own collapse policy) are on the
unit (``units``); these are the page's.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from layout.html.urls import HOSTNAME, library_url_problem
from layout.rules.base import RuleModel, development_of

CollapseEmpty = Literal["never", "below_viewport", "always"]


class LazyLoad(RuleModel):
    """Lazy loading of the units marked ``lazy``: a slot is auctioned and requested when
    it comes within ``fetch_margin_percent`` of a viewport's height of the screen, times
    ``mobile_scaling`` on mobile (the margins GPT's own lazy loading takes). The page
    does it itself, so that a header-bidding auction is lazy too."""

    fetch_margin_percent: int = Field(200, ge=0, le=1000)
    mobile_scaling: float = Field(2.0, gt=0, le=10)


class PriceBucket(RuleModel):
    """One range of Prebid's custom price granularity: bids up to ``max`` are rounded
    down to a multiple of ``increment``."""

    max: float = Field(gt=0, le=1000)
    increment: float = Field(gt=0, le=100)
    precision: int = Field(2, ge=0, le=4)


PriceGranularity = Literal["low", "medium", "high", "auto", "dense"] | list[PriceBucket]


class Prebid(RuleModel):
    """Header bidding: units that name bidders are auctioned by Prebid.js before the ad
    server is called. The ad server call goes out when every bid is back, when the
    bidders' ``timeout_ms`` ends, or at the latest after ``failsafe_ms``, whatever Prebid
    does (the failsafe is for a Prebid that never loads)."""

    library: str | None = Field(
        None, description="the Prebid.js build's script URL (an allowed host), or null: the "
        "page loads its own build",
    )
    timeout_ms: int = Field(1000, ge=100, le=10_000, description="Prebid's bidderTimeout")
    failsafe_ms: int = Field(3000, ge=200, le=30_000)
    price_granularity: PriceGranularity = "medium"
    send_all_bids: bool = False
    user_sync: bool = Field(
        True, description="let bidders sync their user ids after the auction (Prebid's "
        "userSync; consent enforcement still applies)",
    )

    @model_validator(mode="after")
    def _failsafe_after_timeout(self) -> Prebid:
        if self.failsafe_ms <= self.timeout_ms:
            raise ValueError("failsafe_ms must be longer than timeout_ms")
        return self

    @field_validator("price_granularity")
    @classmethod
    def _buckets_ascend(cls, value: PriceGranularity) -> PriceGranularity:
        if isinstance(value, list):
            if not value:
                raise ValueError("at least one price bucket")
            tops = [bucket.max for bucket in value]
            if tops != sorted(set(tops)):
                raise ValueError("price buckets in ascending order of `max`")
        return value


ConsentFramework = Literal["tcf", "gpp"]


def _tcf_only() -> list[ConsentFramework]:
    return ["tcf"]


class Consent(RuleModel):
    """The consent platform: the page asks the CMP (IAB TCF's ``__tcfapi``, IAB GPP's
    ``__gpp``) before it requests ads when ``wait`` is set, and requests non-personalised
    ads if the CMP has not answered after ``timeout_ms``."""

    frameworks: list[ConsentFramework] = Field(default_factory=_tcf_only, min_length=1)
    wait: bool = True
    timeout_ms: int = Field(3000, ge=0, le=30_000)


class Ads(RuleModel):
    """The page's ad stack: the ad library and the hosts scripts may come from, GPT's
    single request, lazy loading, empty slots, header bidding, the consent platform, and
    the article tags that switch ads off (docs/ads.md)."""

    library_hosts: list[str] = Field(
        default_factory=list,
        description="hosts added to the built-in allowlist of ad-library script hosts",
    )
    library: str | None = Field(
        "https://securepubads.g.doubleclick.net/tag/js/gpt.js",
        description="the ad library script URL (an allowed host), or null: the page loads it",
    )
    single_request: bool = True
    lazy_load: LazyLoad = Field(default_factory=LazyLoad)
    collapse_empty: CollapseEmpty = Field(
        "below_viewport",
        description="what an unfilled slot does: keep its space, give it up when it is "
        "below the viewport (no shift of what the reader sees), or always give it up",
    )
    prebid: Prebid | None = None
    consent: Consent | None = None
    brand_safety_off: list[str] = Field(
        default_factory=lambda: ["tragedy", "adult", "violence"],
        description="article brand-safety tags that switch all ads off",
    )

    @field_validator("library_hosts")
    @classmethod
    def _host_names(cls, hosts: list[str]) -> list[str]:
        for host in hosts:
            if len(host) > 253 or not HOSTNAME.fullmatch(host):
                raise ValueError(f"lower-case host names such as cdn.example.com; {host!r} is not")
        return hosts

    @field_validator("library")
    @classmethod
    def _library_allowed(cls, value: str | None, info: ValidationInfo) -> str | None:
        """The library becomes a script on every page: only from an allowed host."""
        return _allowed_library(value, info)

    @model_validator(mode="after")
    def _failsafe_after_consent(self) -> Ads:
        """Without the page waiting for the CMP, Prebid waits for it inside the auction:
        the failsafe must leave it that time and the bidders' too."""
        prebid, consent = self.prebid, self.consent
        if prebid is not None and consent is not None and not consent.wait:
            needed = prebid.timeout_ms + consent.timeout_ms
            if prebid.failsafe_ms <= needed:
                raise ValueError(
                    f"prebid.failsafe_ms must be longer than timeout_ms and "
                    f"consent.timeout_ms together ({needed}) when consent.wait is false; "
                    f"found {prebid.failsafe_ms}"
                )
        return self

    @model_validator(mode="after")
    def _prebid_library_allowed(self, info: ValidationInfo) -> Ads:
        """Prebid's build is a script on every page too, under the same allowlist."""
        if self.prebid is not None and self.prebid.library is not None:
            problem = library_url_problem(
                self.prebid.library, development=development_of(info),
                extra_hosts=self.library_hosts,
            )
            if problem is not None:
                raise ValueError(f"prebid.library: {problem}")
        return self


def _allowed_library(value: str | None, info: ValidationInfo) -> str | None:
    if value is None:
        return None
    hosts = info.data.get("library_hosts", [])
    problem = library_url_problem(value, development=development_of(info), extra_hosts=hosts)
    if problem is not None:
        raise ValueError(problem)
    return value
