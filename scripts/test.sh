#!/usr/bin/env bash
# The whole test suite: set up, lint, type-check, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check layout tests benchmarks scripts
.venv/bin/mypy layout
.venv/bin/python -m pytest -n 2 "$@"
# The benchmarks run once each, untimed, so that they cannot rot between benchmark runs.
.venv/bin/python -m pytest benchmarks -p no:xdist -q --benchmark-disable
# Height estimates against Chromium's layout, on every input and both devices (a floor).
.venv/bin/python benchmarks/heights.py --worst 5
