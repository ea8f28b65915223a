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
from layout.serve.server import app_from_env
app_from_env(freeze={freeze})
print(json.dumps({{"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold(),
                   "switch": sys.getswitchinterval()}}))
"""


def worker_state(freeze: bool) -> dict[str, object]:
    env = {**os.environ, "LAYOUT_DEV": "1"}
    done = subprocess.run([sys.executable, "-c", PROBE.format(freeze=freeze)], env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    state: dict[str, object] = json.loads(done.stdout)
    return state


def test_a_worker_freezes_its_start_up_objects_and_spaces_full_collections() -> None:
    state = worker_state(freeze=True)
    # The modules, templates, rule sets and schemas: tens of thousands of objects that a
    # full collection would otherwise scan every time.
    assert isinstance(state["frozen"], int) and state["frozen"] > 20_000
    assert state["threshold"] == [700, 10, FULL_COLLECTION_THRESHOLD]
    assert state["switch"] == pytest.approx(SWITCH_INTERVAL_SECONDS)


def test_the_app_serve_builds_to_check_its_settings_is_not_frozen() -> None:
    """That app is thrown away, and a frozen object would never be freed."""
    state = worker_state(freeze=False)
    assert state["frozen"] == 0
    assert state["threshold"] == [700, 10, 10]
