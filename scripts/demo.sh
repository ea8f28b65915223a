#!/usr/bin/env bash
# The main job: set up, then render every sample with the built-in default rules into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python scripts/render_samples.py out
