"""The rule set: device profiles, units, spacing, density, the ad stack and the paywall."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from layout.html.urls import HOSTNAME, library_url_problem
from layout.measure.devices import DEFAULT_DEVICES, DeviceProfile
from layout.rules.base import RuleModel, development_of
from layout.rules.paywall import Paywall
from layout.rules.units import Distance, Unit
from layout.viewer import Device


class GlobalSpacing(RuleModel):
    between_units: Distance | None = None


class Density(RuleModel):
    max_ad_ratio: float = Field(0.30, gt=0, le=1)


class LazyLoad(RuleModel):
    """GPT's lazy loading: how far below the viewport a slot is fetched and rendered, in
    viewports (percent), and the factor for mobile (GPT's ``enableLazyLoad`` options)."""

    fetch_margin_percent: int = Field(200, ge=0, le=1000)
    render_margin_percent: int = Field(100, ge=0, le=1000)
    mobile_scaling: float = Field(2.0, gt=0, le=10)


class Ads(RuleModel):
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
        if value is None:
            return None
        hosts = info.data.get("library_hosts", [])
        problem = library_url_problem(value, development=development_of(info), extra_hosts=hosts)
        if problem is not None:
            raise ValueError(problem)
        return value


class RuleSet(RuleModel):
    """A complete rule set (``layout schema rules`` prints its JSON Schema)."""

    version: Literal[1]
    name: str = Field(pattern=r"^[\w.-]{1,60}$")
    description: str | None = None
    devices: dict[Device, DeviceProfile] = Field(default_factory=lambda: dict(DEFAULT_DEVICES))
    units: list[Unit] = Field(default_factory=list)
    spacing: GlobalSpacing = Field(default_factory=GlobalSpacing)
    density: Density = Field(default_factory=Density)
    ads: Ads = Field(default_factory=Ads)
    paywall: Paywall = Field(default_factory=Paywall)

    def device(self, name: Device) -> DeviceProfile:
        return self.devices.get(name) or DEFAULT_DEVICES[name]
