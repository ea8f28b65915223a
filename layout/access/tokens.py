"""The signed tokens' form (meter, gift): ``version.payload.signature``, the payload
compact JSON, both parts base64url without padding."""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Callable
from typing import Any


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """The bytes of a token part; ValueError when it is not base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signed_token(data: dict[str, Any], *, version: str, sign: Callable[[str], str]) -> str:
    """``version.payload.signature``: the data as compact JSON, and its signature."""
    payload = b64encode(json.dumps(data, separators=(",", ":")).encode("utf-8"))
    return f"{version}.{payload}.{sign(payload)}"


def signed_payload(token: str | None, *, version: str, sign: Callable[[str], str],
                   max_length: int) -> dict[str, Any] | None:
    """The JSON object a token of ``version`` carries when its signature is good; None
    for anything else (too long, malformed, tampered with, not an object)."""
    if not token or len(token) > max_length or not token.isascii():
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != version:
        return None
    _, payload, signature = parts
    try:
        if not hmac.compare_digest(sign(payload), signature):
            return None
        data = json.loads(b64decode(payload))
    except (ValueError, UnicodeError, RecursionError):
        # RecursionError: a validly signed payload of deeply nested JSON (the secret's
        # holder is trusted, but a token is still read as untrusted text).
        return None
    return data if isinstance(data, dict) else None
