"""Device profiles: the viewport and typography of each device class, which every height
estimate and viewport rule reads (a rule set may give its own)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from layout.viewer import Device


class DeviceProfile(BaseModel):
    """Typography and viewport of one device class, in CSS pixels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    viewport: tuple[
        Annotated[int, Field(ge=200, le=10_000)], Annotated[int, Field(ge=200, le=10_000)]
    ] = Field(description="width and height of the viewport")
    column_width: int = Field(gt=0, le=10_000, description="width of the article text column")
    font_size: float = Field(18, ge=6, le=96)
    line_height: float = Field(1.6, ge=0.8, le=4, description="as a multiple of the font size")
    min_width: int | None = Field(None, ge=0, le=10_000)
    max_width: int | None = Field(None, ge=0, le=10_000)


DEFAULT_DEVICES: dict[Device, DeviceProfile] = {
    "mobile": DeviceProfile(viewport=(375, 740), column_width=343, font_size=18, max_width=767),
    "desktop": DeviceProfile(viewport=(1280, 900), column_width=680, font_size=20, min_width=768),
}
