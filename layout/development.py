"""Development mode: the one switch that relaxes production-only rules for local work.

In development the meter is signed with a public secret, cookies are not Secure and rule
sets may name plain-http URLs. It is on when asked for explicitly, else when the
``LAYOUT_DEV=1`` environment variable is set.
"""

from __future__ import annotations

import os

DEVELOPMENT_ENV = "LAYOUT_DEV"


def is_development(development: bool | None = None) -> bool:
    """Development mode: ``development`` when given, else the environment's setting."""
    return development if development is not None else os.environ.get(DEVELOPMENT_ENV) == "1"
