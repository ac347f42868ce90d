#!/usr/bin/env bash
# Installs the browser tests' npm packages (playwright-core, mqtt, paho-mqtt) from the lock file
# when they are missing. Debian's chromium is the browser; no browser is downloaded.
set -euo pipefail
cd "$(dirname "$0")"
[[ -f package.json ]] || exit 0
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
