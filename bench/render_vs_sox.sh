#!/usr/bin/env bash
# Renders the same chain with audiocloud and with sox, in the same script,
# and prints CPU time per audio second and the ratio.
#   oscillator (saw 220 Hz) -> lowpass 2 kHz -> highpass 80 Hz -> -3 dB -> stereo 24-bit WAV
# Each is run RUNS times; the best (least disturbed) run counts.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${AUDIOCLOUD_BIN:-build/release/src/app/audiocloud}"
runs="${RUNS:-5}"
audio="${AUDIO_SECONDS:-300}"  # long enough that /usr/bin/time's 10 ms resolution does not matter
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cpu_seconds() {  # user+sys CPU of a command, in seconds
  local t0 t1
  t0=$( { /usr/bin/time -f "%U %S" "$@" >/dev/null 2>"$tmp/time"; } ; tail -1 "$tmp/time" )
  awk '{print $1 + $2}' <<<"$t0"
}

best() { sort -g | head -1; }

ours=$(for _ in $(seq "$runs"); do cpu_seconds "$bin" render -q bench/render_chain.yaml -d "${audio}s" -o "$tmp/ours.wav"; done | best)
theirs=$(for _ in $(seq "$runs"); do
  cpu_seconds sox -V1 -n -r 48000 -b 24 -c 2 "$tmp/sox.wav" synth "$audio" sawtooth 220 vol 0.5 \
    lowpass 2000 highpass 80 gain -3
done | best)

awk -v o="$ours" -v s="$theirs" -v a="$audio" 'BEGIN {
  printf "audiocloud: %.3f s CPU for %d s of audio (%.2f ms per audio second)\n", o, a, 1000*o/a
  printf "sox:        %.3f s CPU for %d s of audio (%.2f ms per audio second)\n", s, a, 1000*s/a
  printf "ratio: audiocloud renders %.2fx faster than sox\n", s/o
}'
