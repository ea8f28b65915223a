"""The README's Python code runs as written, on the installed package, from the checkout's
root, in a fresh process with none of the test suite's environment (no LAYOUT_DEV)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.support.corpus import ROOT

README = ROOT / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
# A block that defines tests is run and then its tests are called, as pytest would.
CALL_TESTS = """
for _name, _value in list(globals().items()):
    if _name.startswith("test_") and callable(_value):
        _value()
"""


def test_the_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block-{n}" for n in range(len(BLOCKS))])
def test_a_readme_python_block_runs_as_written(code: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAYOUT_")}
    done = subprocess.run([sys.executable, "-c", code + CALL_TESTS], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_first_example_prints_what_its_comment_says() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAYOUT_")}
    done = subprocess.run([sys.executable, "-c", BLOCKS[0]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    said = re.search(r'print\(result\.plan\["paywall"\]\["meter"\]\)\n# (\{.*\})', BLOCKS[0])
    assert said is not None
    assert done.stdout.strip() == said.group(1)
    shown = re.search(r'result\.cache_class\s+# "([a-z-]+)"', BLOCKS[0])
    assert shown is not None
    check = BLOCKS[0] + "\nassert result.cache_class == " + repr(shown.group(1))
    subprocess.run([sys.executable, "-c", check], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)


def test_a_production_engine_without_a_secret_still_refuses_to_meter() -> None:
    """Failing closed: the first steps work in development, never by metering unsigned."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAYOUT_")}
    code = "from layout import Engine\nEngine()"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0 and "metering needs a signing secret" in done.stderr
