"""URLs read from input: split without ever raising, and the policy for rule-set URLs.

Article content is untrusted and its URLs are filtered by ``sanitize.is_safe_url``. A rule
set is configuration, and its URLs end up as the page's own links, images and, for the ad
library, a script: they must be web URLs a browser fetches over TLS, with no credentials,
and the script only from a known ad-library host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import SplitResult, urlsplit

# Hosts that serve the ad libraries the engine's bootstrap drives (Google Publisher Tag).
# A rule set adds its own (a self-hosted Prebid.js bundle, say) in ``ads.library_hosts``.
AD_LIBRARY_HOSTS: Final = frozenset(
    {
        "securepubads.g.doubleclick.net",
        "www.googletagservices.com",
        "pagead2.googlesyndication.com",
    }
)
# A lower-case DNS name (labels of letters, digits and inner hyphens), length apart; to be
# used with fullmatch.
HOSTNAME: Final = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
)
# Spaces and controls, which browsers strip or read in ways urllib does not, and the
# backslash, which a browser reads as a slash in web URLs (``/\\evil.example`` is
# ``//evil.example`` there).
_UNREAD_ALIKE: Final = re.compile(r"[\x00-\x20\x7f-\x9f\\]")


def split_url(value: str) -> SplitResult | None:
    """``urlsplit`` that answers None where it would raise: an invalid IPv6 literal
    (``//[x``), a host that NFKC-normalizes into URL syntax (``//a℀b/``), a bad port."""
    try:
        parts = urlsplit(value)
        _ = parts.port  # parsed lazily, and raises for a port out of range
    except ValueError:
        return None
    return parts


def rule_url_problem(
    value: str, *, development: bool, relative: bool, what: str = "URL"
) -> str | None:
    """Why ``value`` cannot be a rule set's URL (an "expected ..." phrase), or None.

    Accepted: ``https://host/...`` (``http`` too in development), and with ``relative``
    a reference without scheme or host (``/subscribe``, ``?q=1``), which stays on the
    page's site; never credentials, never a scheme-relative ``//host`` (another site, on
    the page's scheme), never any other scheme, never a backslash.
    """
    wanted = f"an http(s) {what}" if development else f"an https {what} (http only in development)"
    wanted += " or a path on the site" if relative else ""
    if not value or _UNREAD_ALIKE.search(value):
        return f"{wanted}, without spaces, control characters or backslashes"
    parts = split_url(value)
    if parts is None:
        return f"{wanted} that parses"
    if not parts.scheme:
        if value.startswith("//") or parts.netloc:
            return f"{wanted}, not a scheme-relative //host URL"
        return None if relative else wanted
    allowed = ("https", "http") if development else ("https",)
    if parts.scheme.lower() not in allowed or not parts.hostname:
        return wanted
    if parts.username is not None or parts.password is not None:
        return f"{wanted} without credentials"
    return None


def library_url_problem(value: str, *, development: bool, extra_hosts: Iterable[str]) -> str | None:
    """Why ``value`` cannot be the ad library's script URL, or None: an absolute web URL
    (as ``rule_url_problem``) whose host is a known ad-library host or one the rule set
    names in ``ads.library_hosts``."""
    problem = rule_url_problem(value, development=development, relative=False, what="script URL")
    if problem is not None:
        return problem
    parts = split_url(value)
    host = parts.hostname if parts is not None else None
    allowed = AD_LIBRARY_HOSTS | frozenset(extra_hosts)
    if host not in allowed:
        return (
            "a script URL on an ad-library host (" + ", ".join(sorted(AD_LIBRARY_HOSTS))
            + ", or one added in ads.library_hosts)"
        )
    return None
