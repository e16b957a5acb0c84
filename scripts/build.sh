#!/usr/bin/env bash
# Configures and builds one preset (default: release).
#   scripts/build.sh [PRESET]
# AUDIOCLOUD_WERROR=ON turns warnings into errors (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
cmake --preset "$preset" -DAUDIOCLOUD_WERROR="${AUDIOCLOUD_WERROR:-OFF}" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
