"""``pip install .`` gives a working package: the wheel carries the theme, the default rules,
the preview's files and ``py.typed``, and renders from where it is installed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.corpus import ROOT, SAMPLES


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(out), str(ROOT)], check=True, capture_output=True,
                   timeout=300)
    [built] = out.glob("layout-*.whl")
    return built


def test_the_wheel_carries_every_file_the_package_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("layout/py.typed", "layout/defaults/news-default.yaml",
                   "layout/templates/page.html.j2", "layout/templates/blocks/paragraph.html.j2",
                   "layout/preview/ui/shell.html.j2", "layout/preview/static/overlay.js"):
        assert needed in names, needed
    assert not [name for name in names if name.startswith(("tests/", "samples/"))]


def test_the_installed_wheel_renders_a_sample(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "import layout; print(layout.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(site))
    sample = SAMPLES / "html" / "brief-council-vote.html"
    done = subprocess.run([sys.executable, "-m", "layout", "render", str(sample)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.startswith("<!DOCTYPE html>") and "story-headline" in done.stdout
    version = subprocess.run([sys.executable, "-m", "layout", "--version"], cwd=tmp_path,
                             env=env, capture_output=True, text=True, check=True)
    assert version.stdout.strip() == "layout 0.1.0"
