#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine, then is a no-op:
# system packages (a Java runtime for the Nu Html Checker, Node.js for the test tools,
# Chromium for the browser tests) with apt-get where missing, the Python package with its
# dev extra into .venv, and the npm test tools into node_modules (vnu-jar, axe-core, and
# for the ad-stack browser tests Prebid.js, the IAB's TCF libraries and esbuild).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} with apt-get"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'

npm_tools=(
  node_modules/vnu-jar/build/dist/vnu.jar
  node_modules/axe-core/axe.min.js
  node_modules/prebid.js/package.json
  node_modules/@iabtechlabtcf/core/package.json
  node_modules/@iabtechlabtcf/cmpapi/package.json
  node_modules/.bin/esbuild
)
for tool in "${npm_tools[@]}"; do
  if [ ! -e "$tool" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    break
  fi
done
