"""Attribute values HTML gives a grammar to, checked by that grammar: a ``time``'s
datetime and a ``data:`` image URL. A value that breaks its grammar is not repaired by
guessing; the repair passes drop it (and what only it made valid)."""

from __future__ import annotations

import re
from datetime import date
from typing import Final

_YEAR = r"(?P<y>\d{4,9})"  # HTML allows more digits; no real page dates past 999,999,999
_DATE = re.compile(_YEAR + r"-(?P<m>\d\d)-(?P<d>\d\d)")
_MONTH = re.compile(_YEAR + r"-(?P<m>\d\d)")
_YEARLESS = re.compile(r"(?P<m>\d\d)-(?P<d>\d\d)")
_WEEK = re.compile(_YEAR + r"-W(?P<w>\d\d)")
_TIME = re.compile(r"(?P<h>\d\d):(?P<mi>\d\d)(?::(?P<s>\d\d)(?:\.\d{1,3})?)?")
_ZONE = re.compile(r"Z|[+-](?P<zh>\d\d):?(?P<zm>\d\d)")
# A duration: ISO 8601's PnDTnHnMnS (no years or months), or "4h 18m 3s" components.
_ISO_DURATION = re.compile(r"P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,3})?S)?)?")
_DURATION_PARTS = re.compile(r"\s*(?:\d+\s*[WwDdHhMm]|\d+(?:\.\d{1,3})?\s*[Ss])(?:\s+|$)")


def is_html_datetime(value: str) -> bool:
    """True for a valid ``datetime`` value: a year, month, date, yearless date, week,
    time, local or global date and time, time zone offset, or duration."""
    value = value.strip()
    if not value:
        return False
    if _DATE.match(value) and ("T" in value or " " in value):
        head, _, tail = value.replace(" ", "T", 1).partition("T")
        return _is_date(head) and _is_time_with_zone(tail)
    checks = (_is_date, _is_month, _is_yearless, _is_week, _is_time, _is_zone, _is_year,
              _is_duration)
    return any(check(value) for check in checks)


def _is_date(value: str) -> bool:
    found = _DATE.fullmatch(value)
    return found is not None and _real_date(int(found["y"]), int(found["m"]), int(found["d"]))


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year if year <= 9999 else 2000, month, day)  # past 9999: only the day range
    except ValueError:
        return False
    return year > 0


def _is_month(value: str) -> bool:
    found = _MONTH.fullmatch(value)
    return found is not None and int(found["y"]) > 0 and 1 <= int(found["m"]) <= 12


def _is_yearless(value: str) -> bool:
    found = _YEARLESS.fullmatch(value)
    return found is not None and _real_date(2000, int(found["m"]), int(found["d"]))


def _is_week(value: str) -> bool:
    found = _WEEK.fullmatch(value)
    if found is None or int(found["y"]) <= 0:
        return False
    year, week = int(found["y"]), int(found["w"])
    weeks = date(min(year, 9999), 12, 28).isocalendar()[1]
    return 1 <= week <= weeks


def _is_time(value: str) -> bool:
    found = _TIME.fullmatch(value)
    if found is None:
        return False
    seconds = int(found["s"]) if found["s"] else 0
    return int(found["h"]) <= 23 and int(found["mi"]) <= 59 and seconds <= 59


def _is_zone(value: str) -> bool:
    found = _ZONE.fullmatch(value)
    if found is None:
        return False
    return value == "Z" or (int(found["zh"]) <= 23 and int(found["zm"]) <= 59)


def _is_time_with_zone(value: str) -> bool:
    found = _TIME.match(value)
    if found is None or not _is_time(found.group(0)):
        return False
    rest = value[found.end():]
    return rest == "" or _is_zone(rest)


def _is_year(value: str) -> bool:
    return value.isascii() and value.isdigit() and 4 <= len(value) <= 9 and int(value) > 0


def _is_duration(value: str) -> bool:
    if value.startswith("P"):
        complete = value != "P" and not value.endswith("T")
        return complete and _ISO_DURATION.fullmatch(value) is not None
    position = 0
    while position < len(value):
        found = _DURATION_PARTS.match(value, position)
        if found is None or found.end() == position:
            return False
        position = found.end()
    return position > 0


_DATA_IMAGE: Final = re.compile(
    r"data:image/(?:png|gif|jpeg|webp|avif)"
    r"(?:;[A-Za-z0-9!#$&^_.+-]+=[A-Za-z0-9!#$&^_.+-]+)*"
    r"(?:;base64,(?P<base64>[A-Za-z0-9+/]*={0,2})|,(?P<text>[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*))",
    re.IGNORECASE,
)


def is_valid_data_image(url: str) -> bool:
    """True for a well-formed ``data:`` image URL: a listed image type, and base64 that
    decodes (no spaces, right padding) or percent-encoded text."""
    found = _DATA_IMAGE.fullmatch(url.strip())
    if found is None:
        return False
    payload = found["base64"]
    return payload is None or len(payload) % 4 == 0
