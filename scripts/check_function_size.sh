#!/usr/bin/env bash
# Fails when a function in src/ is longer than .clang-tidy's
# readability-function-size.LineThreshold (80 lines): long procedures are
# split into named steps (docs/architecture.md, "Conventions"). Needs the
# release build's compile_commands.json.
#   scripts/check_function_size.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build/release}"
out="$(find src -name '*.cpp' -print0 |
  xargs -0 -P"$(nproc)" -n8 clang-tidy -p "$build" --quiet --checks='-*,readability-function-size' \
    --warnings-as-errors='readability-function-size' 2>/dev/null || true)"
if grep -q "readability-function-size" <<<"$out"; then
  grep -E "warning:|note: [0-9]+ lines" <<<"$out"
  echo "function size: FAILED (split these into named steps)"
  exit 1
fi
echo "function size: ok (every function in src/ within 80 lines)"
