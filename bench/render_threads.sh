#!/usr/bin/env bash
# `audiocloud render` on 1 and 2 threads, in the same script, on a graph of
# uneven node costs (as parallel_bench's: 8 chains of 8 biquads and 56 of 8
# gains, noise sources, into a mixer): prints the best wall time of each,
# the ratio, whether the 2-thread render rebalanced, and that the files
# hold the same samples.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${AUDIOCLOUD_BIN:-build/release/src/app/audiocloud}"
runs="${RUNS:-5}"
audio="${AUDIO_SECONDS:-30}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

graph="$tmp/uneven.yaml"
{
  echo "nodes:"
  echo "  mix: {type: mixer, params: {inputs: 64}}"
  echo "  out: {type: output, channels: 1}"
  for c in $(seq 0 63); do
    echo "  s$c: {type: noise, params: {seed: $((c + 1))}}"
    for k in $(seq 0 7); do
      if ((c < 8)); then
        echo "  f${c}_$k: {type: biquad, params: {frequency: $((200 + 100 * k))}}"
      else
        echo "  f${c}_$k: {type: gain, params: {gain: -0.5, smoothing: 0}}"
      fi
    done
  done
  echo "connections:"
  echo "  - mix.out -> out.in"
  for c in $(seq 0 63); do
    prev="s$c"
    for k in $(seq 0 7); do
      echo "  - $prev.out -> f${c}_$k.in"
      prev="f${c}_$k"
    done
    echo "  - $prev.out -> mix.in$c"
  done
} >"$graph"

wall() {  # the render's own wall time, in seconds
  "$bin" render -q "$graph" -d "${audio}s" --threads "$1" --encoding float -o "$tmp/t$1.wav" | tee "$tmp/t$1.log" |
    sed -n 's/.* in \([0-9.]*\) s: .*/\1/p'
}

: >"$tmp/one"
: >"$tmp/two"
for _ in $(seq "$runs"); do  # alternating, so both see the same machine
  wall 1 >>"$tmp/one"
  wall 2 >>"$tmp/two"
done
one=$(sort -g "$tmp/one" | head -1)
two=$(sort -g "$tmp/two" | head -1)
rebalanced=$(grep -c "threads rebalanced" "$tmp/t2.log" || true)
# The samples only: a float WAV's PEAK chunk holds the time it was written.
bytes=$((audio * 48000 * 4))
same=$(cmp -s <(tail -c "$bytes" "$tmp/t1.wav") <(tail -c "$bytes" "$tmp/t2.wav") && echo "the same bits" ||
  echo "DIFFERENT")
awk -v a="$one" -v b="$two" -v s="$audio" -v r="$rebalanced" -v same="$same" 'BEGIN {
  printf "1 thread:  %.3f s for %d s of audio\n", a, s
  printf "2 threads: %.3f s (%s)\n", b, (r > 0 ? "rebalanced after 1 s" : "not rebalanced")
  printf "speedup:   %.2fx; the files are %s\n", a / b, same
}'
