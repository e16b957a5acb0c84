#!/usr/bin/env bash
# Installs the Debian 12 packages audiocloud needs. Non-interactive and
# idempotent: it installs only what is missing, so a second run costs a
# dpkg query.
#   scripts/setup.sh          what the binary and its example plug-ins need (scripts/demo.sh)
#   scripts/setup.sh --all    and every test peer, sanitizer and tool (scripts/test.sh)
set -euo pipefail

packages=(
  # build
  cmake g++ ninja-build ccache pkg-config
  # graph files, JSON, command line
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  # audio files
  libsndfile1-dev
  # JACK and ALSA client libraries
  libjack-jackd2-dev libasound2-dev
  # OSC
  liblo-dev
  # WASM plug-ins: wabt (validation, wasm2c, the interpreter, wat2wasm), a C
  # compiler at run time (gcc, above), clang's wasm32 target with lld and
  # wasi-libc for the example plug-ins, Faust for the Faust example
  wabt clang lld wasi-libc libclang-rt-14-dev-wasm32 faust
  # resampling between clock domains (the clock bridge)
  libzita-resampler-dev
  # FFT (wavetables; tests measure spectra with it)
  libfftw3-dev
  # TLS for the node fabric: certificates (GnuTLS)
  libgnutls28-dev
  # the node fabric's QUIC (ngtcp2 with its GnuTLS crypto)
  libngtcp2-dev libngtcp2-crypto-gnutls-dev
)
test_packages=(
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # peers of the interop tests: jackd, aplay/arecord and alsa-lib's jack
  # PCM plug-in, liblo's tools; PTP: linuxptp (ptp4l, pmc), namespaces
  # (iproute2), tshark as the independent dissector
  jackd2 alsa-utils libasound2-plugins liblo-tools linuxptp iproute2 tshark
  # nftables: random loss on a namespace's link (the AES67 impairment test)
  nftables
  # AES67 peers: GStreamer (rtpL24pay/depay, udpsrc/udpsink) and ffmpeg
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good ffmpeg
  # independent peers for tests and benchmarks
  sox python3 time
  # cyclictest: the machine's own wake-up latency beside the AES67 latency
  # benchmark (no link offset can be smaller than the machine's stalls)
  rt-tests
  # openssl: checks the fabric's certificates independently of GnuTLS (and
  # makes expired and revoked ones); ngtcp2's own QUIC client as a peer
  openssl ngtcp2-client
  # fuzzing and sanitizers (clang's libFuzzer and runtimes)
  libclang-rt-14-dev
  # style checks
  clang-format clang-tidy
)
if [[ "${1:-}" == "--all" ]]; then packages+=("${test_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # jackd2 asks whether to enable real-time limits; answer before installing.
  echo "jackd2 jackd/tweak_rt_limits boolean false" | $SUDO debconf-set-selections
  # wireshark-common asks whether non-root users may capture: no.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} packages present"
fi
