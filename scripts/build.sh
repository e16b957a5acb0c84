#!/usr/bin/env bash
# Configures and builds one preset (default: release), every target or the
# ones named.
#   scripts/build.sh [PRESET [TARGET ...]]
# AUDIOCLOUD_WERROR=ON turns warnings into errors (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
cmake --preset "$preset" -DAUDIOCLOUD_WERROR="${AUDIOCLOUD_WERROR:-OFF}" >/dev/null
if (($#)); then
  cmake --build --preset "$preset" -j "$(nproc)" --target "$@"
else
  cmake --build --preset "$preset" -j "$(nproc)"
fi
