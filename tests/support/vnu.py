"""The Nu Html Checker (vnu.jar from the vnu-jar npm package), run once over many files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.support.corpus import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(folder: Path) -> dict[str, list[str]]:
    """Errors per file name for every .html file in ``folder`` (warnings are not errors)."""
    assert VNU_JAR.is_file(), "vnu.jar missing: run scripts/setup.sh (npm ci)"
    completed = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--skip-non-html",
            str(folder),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(completed.stderr or completed.stdout or '{"messages": []}')
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        name = Path(message.get("url", "").removeprefix("file:")).name
        line = message.get("lastLine", "?")
        errors.setdefault(name, []).append(f"{line}: {message.get('message')}")
    return errors
