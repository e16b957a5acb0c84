#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds, and runs every test:
#   1. the release build's unit, interop and CLI tests, and the conformance
#      vectors (ctest);
#   2. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the same tests under ThreadSanitizer;
#   4. each fuzz target for a bounded time (AUDIOCLOUD_FUZZ_SECONDS, 20).
# AUDIOCLOUD_QUICK=1 runs step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
stage() { echo "== $1 (at $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s)"; }
trap 'echo "== test.sh took $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s"' EXIT
scripts/setup.sh --all

scripts/check_format.sh

stage "release: build and test"
scripts/build.sh release
scripts/check_function_size.sh build/release
ctest --preset release

if [[ "${AUDIOCLOUD_QUICK:-0}" == "1" ]]; then exit 0; fi

stage "asan+ubsan: build and test"
scripts/build.sh asan
# The PTP interop tests (2.5 min of real-time exchanges with ptp4l) run in
# the release build only; the PTP code itself runs here in its unit tests.
# The README check (its commands run as written) is about the text: release
# only. The AES67 peer tests (GStreamer, ffmpeg, tshark, PTP-timed and
# redundant streams, a minute of loss and jitter, a sender on its own
# clock: 170 s of real-time streaming) run in the release build;
# here the sender and receiver threads run in net_tests (both nodes in one
# process over loopback) and against malformed input (Aes67BadInput).
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan \
  -E "PtpInterop|Readme|Aes67Interop|Aes67Timing|Aes67Redundancy|Aes67Impairment|Aes67Resample"

stage "tsan: build and test (the parallel executor, rings, the recorder's writer thread)"
scripts/build.sh tsan
# JACK interop is left out here: libjack is not instrumented, so TSan cannot
# see its synchronisation and reports races that are not there.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --preset tsan \
  -E "JackInterop|PtpInterop|Readme|Aes67Interop|Aes67Timing|Aes67Redundancy|Aes67Impairment|Aes67Resample"

stage "fuzz: each target for ${AUDIOCLOUD_FUZZ_SECONDS:-20} s"
scripts/build.sh fuzz
scripts/fuzz.sh "${AUDIOCLOUD_FUZZ_SECONDS:-20}"
