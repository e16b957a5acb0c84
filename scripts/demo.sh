#!/usr/bin/env bash
# The main job: install what the binary needs, build it and the example
# plug-ins (not the tests: scripts/test.sh builds those), and render the
# demo graph to demo.wav, printing what was rendered, levels and each
# node's CPU share.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/setup.sh
scripts/build.sh release audiocloud example_plugins
echo
build/release/src/app/audiocloud graph examples/demo.yaml
echo
build/release/src/app/audiocloud render examples/demo.yaml -o demo.wav "$@"
echo
echo "demo.sh took $(($(date +%s) - started)) s. Next: listen to it (the render's listen: line above),"
echo "then try the commands under \"Using it\" in README.md (B=build/release/src/app/audiocloud)."
