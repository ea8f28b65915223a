"""The ``layout`` command run as a real process, the way a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.corpus import ROOT


def layout(*args: object, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m layout ARGS`` in ``cwd`` and capture its text output."""
    return subprocess.run(
        [sys.executable, "-m", "layout", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
