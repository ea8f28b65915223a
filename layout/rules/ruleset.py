"""The rule set: device profiles, units, spacing, density, the ad stack and the paywall."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from layout.measure.devices import DEFAULT_DEVICES, DeviceProfile
from layout.rules.ads import Ads
from layout.rules.base import RuleModel
from layout.rules.paywall import Paywall
from layout.rules.units import Distance, Unit
from layout.viewer import Device


class GlobalSpacing(RuleModel):
    between_units: Distance | None = None


class Density(RuleModel):
    max_ad_ratio: float = Field(0.30, gt=0, le=1)


class RuleSet(RuleModel):
    """A complete rule set (``layout schema rules`` prints its JSON Schema)."""

    version: Literal[1]
    name: str = Field(pattern=r"^[\w.-]{1,60}$")
    description: str | None = None
    devices: dict[Device, DeviceProfile] = Field(default_factory=lambda: dict(DEFAULT_DEVICES))
    units: list[Unit] = Field(default_factory=list)
    spacing: GlobalSpacing = Field(default_factory=GlobalSpacing)
    density: Density = Field(default_factory=Density)
    ads: Ads = Field(default_factory=Ads, validate_default=True)
    paywall: Paywall = Field(default_factory=Paywall)

    @field_validator("ads")
    @classmethod
    def _bidders_need_prebid(cls, ads: Ads, info: ValidationInfo) -> Ads:
        """Units that name bidders are auctioned by Prebid: the page needs its settings
        (units come before ``ads`` in the model, so they are there to read)."""
        bidding = [unit.id for unit in info.data.get("units", []) if unit.bidders]
        if bidding and ads.prebid is None:
            raise ValueError(f"units {', '.join(bidding)} name bidders: `ads.prebid` must be set")
        return ads

    def device(self, name: Device) -> DeviceProfile:
        return self.devices.get(name) or DEFAULT_DEVICES[name]
