#!/usr/bin/env bash
# The main job: install what is missing, build, and render the demo graph to
# demo.wav, printing what was rendered, levels and each node's CPU share.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
echo
build/release/src/app/audiocloud graph examples/demo.yaml
echo
build/release/src/app/audiocloud render examples/demo.yaml -o demo.wav "$@"
