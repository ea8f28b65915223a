"""``profile_cold.py`` runs once here, on three pages, so the profiling script keeps working."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import profile_cold  # noqa: E402


def test_profile_shows_every_stage_of_the_cold_path(capsys: Any, tmp_path: Path) -> None:
    report = tmp_path / "profile.html"
    status = profile_cold.main(["--rounds", "3", "--pages", "3", "--html", str(report)])
    tree = capsys.readouterr().out
    assert status == 0
    for stage in ("ingest_html", "sanitized_body", "build_plan", "Renderer.page"):
        assert stage in tree, stage
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
