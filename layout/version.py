"""The installed package's version, as its metadata gives it (pyproject.toml's)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("layout")
except PackageNotFoundError:  # a checkout on the path without an install
    __version__ = "0+unknown"
