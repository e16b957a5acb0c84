#!/usr/bin/env bash
# Fails when a C++ source differs from .clang-format's layout.
set -euo pipefail
cd "$(dirname "$0")/.."
find src tests bench fuzz -name '*.cpp' -o -name '*.h' | xargs clang-format --dry-run -Werror
echo "format: ok"
