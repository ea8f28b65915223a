"""The ad stack's configuration of one rendered article, built from the plan's ad items.

The page embeds it as JSON in a ``<script type="application/json" data-layout-ads>``
element (escaped so that it cannot close the element) and the bootstrap (``ads.js``)
reads every such element on the page, once each: several articles (fragments) on one page
each bring their own, with their own instance prefix, and share one bootstrap.

What it holds: each slot as Google Publisher Tag defines it (ad unit path, sizes, size
mapping per breakpoint, targeting, format, lazy and refresh and collapse policies); the
libraries to load; the reader's privacy settings as the server knows them; the consent
platform to wait for; and, for units that name bidders, the Prebid.js ad units and
configuration. Without the libraries the bootstrap only queues commands: it is inert.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from layout.plan import LayoutPlan
from layout.rules import RuleSet
from layout.rules.ads import Consent, Prebid
from layout.rules.units import OUT_OF_PAGE

BOOTSTRAP_PATH: Final = Path(__file__).with_name("ads.js")

# Interstitials take the sizes of a phone's and a desktop's full-screen creatives when the
# rules give none (Prebid needs sizes to ask bidders for banners).
INTERSTITIAL_SIZES: Final = ([320, 480], [300, 250], [480, 320], [768, 1024], [1024, 768])
# An outstream player, as OpenRTB describes it: no content video (plcmt 4), muted autoplay
# when in view, VPAID / OMID-free VAST over progressive MP4.
OUTSTREAM_VIDEO: Final = {
    "context": "outstream",
    "mimes": ["video/mp4"],
    "protocols": [2, 3, 5, 6],
    "playbackmethod": [6],
    "plcmt": 4,
}
# A native ad as an OpenRTB native request: a title, a main image and the advertiser.
NATIVE_REQUEST: Final = {
    "ortb": {
        "ver": "1.2",
        "assets": [
            {"id": 1, "required": 1, "title": {"len": 90}},
            {"id": 2, "required": 1, "img": {"type": 3, "wmin": 300, "hmin": 150}},
            {"id": 3, "required": 1, "data": {"type": 1}},
        ],
    },
}


def load_bootstrap() -> str:
    """The bootstrap's source, read once by the engine that embeds it."""
    return BOOTSTRAP_PATH.read_text(encoding="utf-8")


def ad_libraries(plan: LayoutPlan, rules: RuleSet) -> list[str]:
    """The scripts the page's ads need: the ad library, and Prebid's build when a unit of
    the plan names bidders. They are given to the bootstrap on its own script element,
    never in the JSON configuration: markup injected elsewhere on the page can add a
    configuration, but it cannot make the bootstrap load a script."""
    page_rules = rules.ads
    libraries = [page_rules.library] if page_rules.library else []
    prebid = page_rules.prebid
    if prebid is not None and prebid.library and any(
        unit.kind == "ad" and unit.data["bidders"] for unit in plan.units
    ):
        libraries.append(prebid.library)
    return libraries


def ad_config_key(plan: LayoutPlan) -> tuple[Any, ...]:
    """What a plan's ad configuration depends on besides its engine's rules: its ads
    (the placement's own units, which every plan of that placement shares, named by
    their data's identity: they live as long as the article), the instance, and the
    reader's device, audience, access and privacy signals. Plans with equal keys have
    equal configurations."""
    viewer, access = plan.viewer, plan.access
    units = tuple(id(unit.data) for unit in plan.units if unit.kind == "ad")
    return (units, plan.instance, viewer.device, viewer.audience, viewer.consent, viewer.gpc,
            access.mode, plan.wall is not None)


def ad_config(plan: LayoutPlan, rules: RuleSet) -> dict[str, Any] | None:
    """The ad stack configuration for the plan's ad slots, or None when it has none."""
    specs = [unit.ad_spec() for unit in plan.units if unit.kind == "ad"]
    if not specs:
        return None
    page_rules = rules.ads
    ads = plan.ads_json()  # the reader's privacy, as the plan JSON gives it
    prebid = page_rules.prebid
    bidding = [spec for spec in specs if spec["bidders"]] if prebid is not None else []
    return {
        "instance": plan.instance,
        "slots": [_slot(spec) for spec in specs],
        "page": {
            "device": plan.viewer.device,
            "targeting": ads["targeting"],
            "singleRequest": page_rules.single_request,
            "lazyLoad": {
                "fetchMarginPercent": page_rules.lazy_load.fetch_margin_percent,
                "mobileScaling": page_rules.lazy_load.mobile_scaling,
            },
        },
        "privacy": {
            "nonPersonalizedAds": ads["non_personalized"],
            "restrictDataProcessing": ads["restrict_data_processing"],
        },
        "consent": _consent(page_rules.consent),
        "prebid": _prebid(prebid, bidding, page_rules.consent,
                          gpc=ads["restrict_data_processing"])
        if prebid is not None and bidding else None,
    }


def _gpt_sizes(format_: str, sizes: list[list[int]]) -> list[Any]:
    """GPT's sizes for a slot: a fluid or native slot also takes ``"fluid"``. The sizes
    are the spec's own lists (the spec is made for this configuration alone)."""
    return ["fluid", *sizes] if format_ in ("fluid", "native") else sizes


def _slot(spec: dict[str, Any]) -> dict[str, Any]:
    """GPT's slot, from the plan JSON's ad item (one description of the slot)."""
    format_ = spec["format"]
    refresh = spec["refresh"]
    return {
        "id": spec["slot_id"],
        "adUnitPath": spec["unit_path"],
        "format": format_,
        "sizes": _gpt_sizes(format_, spec["sizes"]),
        "sizeMapping": [
            [[point["min_width"], 0], _gpt_sizes(format_, point["sizes"])]
            for point in spec["size_mapping"]
        ],
        "targeting": spec["targeting"],
        "lazy": spec["lazy"] and format_ not in OUT_OF_PAGE,
        "collapse": spec["collapse_empty"],
        "refresh": {"viewableSeconds": refresh["viewable_seconds"], "max": refresh["max"]}
        if refresh else None,
    }


def _consent(consent: Consent | None) -> dict[str, Any] | None:
    if consent is None:
        return None
    return {"wait": consent.wait, "frameworks": list(consent.frameworks),
            "timeout": consent.timeout_ms}


def _prebid(prebid: Prebid, bidding: list[dict[str, Any]], consent: Consent | None, *,
            gpc: bool) -> dict[str, Any]:
    return {
        "timeout": prebid.timeout_ms,
        "failsafe": prebid.failsafe_ms,
        "config": _prebid_config(prebid, consent, gpc=gpc),
        "adUnits": [_prebid_unit(spec) for spec in bidding],
    }


def _prebid_config(prebid: Prebid, consent: Consent | None, *, gpc: bool) -> dict[str, Any]:
    """``pbjs.setConfig``'s argument: the bidders' timeout, the price granularity, user
    syncs, the consent modules' settings and the reader's GPC signal."""
    config: dict[str, Any] = {
        "bidderTimeout": prebid.timeout_ms,
        "enableSendAllBids": prebid.send_all_bids,
        "userSync": {"syncEnabled": prebid.user_sync},
    }
    granularity = prebid.price_granularity
    if isinstance(granularity, str):
        config["priceGranularity"] = granularity
    else:  # custom buckets are a price granularity object, as Prebid's config takes them
        config["priceGranularity"] = {
            "buckets": [
                {"max": bucket.max, "increment": bucket.increment, "precision": bucket.precision}
                for bucket in granularity
            ]
        }
    if consent is not None:
        management: dict[str, Any] = {}
        if "tcf" in consent.frameworks:
            management["gdpr"] = {"cmpApi": "iab", "timeout": consent.timeout_ms,
                                  "defaultGdprScope": True}
        if "gpp" in consent.frameworks:
            management["gpp"] = {"cmpApi": "iab", "timeout": consent.timeout_ms}
        config["consentManagement"] = management
    if gpc:
        config["ortb2"] = {"regs": {"ext": {"gpc": "1"}}}
    return config


def _prebid_unit(spec: dict[str, Any]) -> dict[str, Any]:
    """A Prebid ad unit whose code is the slot's element id (how Prebid finds the GPT
    slot to target), with the media type of the unit's format. Its ``sizeConfig`` (Prebid's
    sizeMappingV2 module) is GPT's size mapping, breakpoint for breakpoint: a unit with no
    size at a breakpoint is not auctioned there, as GPT does not request it."""
    format_ = spec["format"]
    points = [([point["min_width"], 0], point["sizes"]) for point in spec["size_mapping"]]
    media: dict[str, Any]
    if format_ == "interstitial":
        sizes = spec["sizes"] or [list(size) for size in INTERSTITIAL_SIZES]
        media = {"banner": {"sizes": sizes}}  # full screen: no breakpoints to map
    elif format_ == "outstream":
        media = {"video": {**OUTSTREAM_VIDEO, "sizeConfig": [
            {"minViewPort": viewport, "playerSize": [max(sizes)] if sizes else []}
            for viewport, sizes in points]}}
    elif format_ == "native":
        media = {"native": {**NATIVE_REQUEST, "sizeConfig": [
            {"minViewPort": viewport, "active": bool(sizes)} for viewport, sizes in points]}}
    else:
        media = {"banner": {"sizeConfig": [
            {"minViewPort": viewport, "sizes": sizes} for viewport, sizes in points]}}
    prebid_unit: dict[str, Any] = {
        "code": spec["slot_id"],
        "mediaTypes": media,
        "bids": [{"bidder": bidder["bidder"], "params": bidder["params"]}
                 for bidder in spec["bidders"]],
    }
    if format_ == "interstitial":
        prebid_unit["ortb2Imp"] = {"instl": 1}
    return prebid_unit
