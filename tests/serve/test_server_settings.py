"""What ``layout serve`` sets up in each worker process, checked in a process of its own
(the settings are process-wide: the test process keeps its own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from layout.serve.server import FULL_COLLECTION_THRESHOLD, SWITCH_INTERVAL_SECONDS

PROBE = """
import gc, json, sys
defaults = gc.get_threshold()
from layout.engine import Engine
from layout.serve.server import app_from_env
app = app_from_env()
print(json.dumps({"frozen": gc.get_freeze_count(), "defaults": defaults,
                  "threshold": gc.get_threshold(), "switch": sys.getswitchinterval(),
                  "engines_scanned": sum(isinstance(o, Engine) for o in gc.get_objects())}))
"""


@pytest.fixture(scope="module")
def worker_state() -> dict[str, object]:
    env = {**os.environ, "LAYOUT_DEV": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    state: dict[str, object] = json.loads(done.stdout)
    return state


def test_a_worker_freezes_what_its_imports_made(worker_state: dict[str, object]) -> None:
    # Modules, classes and schemas: tens of thousands of objects that every full
    # collection would otherwise scan.
    frozen = worker_state["frozen"]
    assert isinstance(frozen, int) and frozen > 20_000


def test_the_app_is_not_frozen(worker_state: dict[str, object]) -> None:
    """A rules reload replaces the app's engines; a frozen engine would never be freed."""
    engines = worker_state["engines_scanned"]
    assert isinstance(engines, int) and engines >= 1


def test_full_collections_are_spaced_and_the_switch_interval_is_short(
    worker_state: dict[str, object],
) -> None:
    defaults = worker_state["defaults"]
    assert isinstance(defaults, list)
    assert worker_state["threshold"] == [*defaults[:2], FULL_COLLECTION_THRESHOLD]
    assert worker_state["switch"] == pytest.approx(SWITCH_INTERVAL_SECONDS)
