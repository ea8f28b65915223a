"""Shared test set-up: a report of the counts the acceptance criteria ask for.

Tests call ``report(line)``; the lines are printed in the terminal summary, also when the
tests ran in xdist workers (they share a folder named by the controller).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

_REPORT_DIR = "LAYOUT_TEST_REPORT_DIR"

# Tests meter with the public development secret; tests of the production refusal unset it.
os.environ.setdefault("LAYOUT_DEV", "1")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite golden plans from the current engine instead of comparing")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def pytest_configure(config: pytest.Config) -> None:
    if _REPORT_DIR not in os.environ:
        folder = Path(tempfile.gettempdir()) / f"layout-report-{uuid.uuid4().hex}"
        folder.mkdir()
        os.environ[_REPORT_DIR] = str(folder)


def report(line: str) -> None:
    """Add a line to the summary printed at the end of the test run."""
    folder = Path(os.environ[_REPORT_DIR])
    with (folder / f"{os.getpid()}.txt").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return
    folder = Path(os.environ[_REPORT_DIR])
    lines = sorted(
        line
        for file in folder.glob("*.txt")
        for line in file.read_text(encoding="utf-8").splitlines()
    )
    if lines:
        terminalreporter.section("measured")
        for line in lines:
            terminalreporter.write_line(line)
