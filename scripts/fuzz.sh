#!/usr/bin/env bash
# Runs every fuzz target (built by the `fuzz` preset) for SECONDS each, from
# its seed corpus in fuzz/corpus/<target>. Fails on any crash or sanitizer
# report.   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
status=0
for target in build/fuzz/fuzz/*_fuzz; do
  name="$(basename "$target")"
  work="$(mktemp -d)"
  cp -r "fuzz/corpus/$name/." "$work/" 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
    echo "fuzz: $name FAILED; last lines:"; tail -40 "$work/log"; status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$work/log" | tail -2
  fi
  rm -rf "$work"
done
exit $status
