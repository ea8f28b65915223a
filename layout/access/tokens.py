"""Base64url without padding: the text form of the signed tokens (meter, gift)."""

from __future__ import annotations

import base64


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """The bytes of a token part; ValueError when it is not base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
