"""``instructions.py`` here: each measured work runs once on two pages (the pass callgrind
would count), and the count is read off callgrind's report, so the script keeps working
on machines without valgrind too."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import instructions  # noqa: E402


@pytest.mark.parametrize("work", instructions.WORKS)
def test_each_work_runs_its_measured_pass(work: str) -> None:
    function, inputs = instructions._measured(work, 2)
    assert len(inputs) == 2
    if work in ("engine", "per_view"):
        assert all(str(function(item)).startswith("<!DOCTYPE html>") for item in inputs)
    instructions.run_child(work, 2)


def test_the_count_is_read_from_callgrinds_report(monkeypatch: pytest.MonkeyPatch) -> None:
    report = "==1== Events    : Ir\n==1== Collected : 1,288,426,107\n==1== I   refs: 1\n"

    class Done:
        returncode, stderr = 0, report

    monkeypatch.setattr(instructions.subprocess, "run", lambda *a, **k: Done())
    assert instructions.count("engine", 2) == 1_288_426_107


def test_without_valgrind_it_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert instructions.main(["--pages", "2"]) == 2
