#!/usr/bin/env bash
# Installs every Debian 12 package that audiocloud's build, tests and
# benchmarks need. Non-interactive and idempotent: it installs only what is
# missing, so a second run costs a dpkg query.
set -euo pipefail

packages=(
  # build
  cmake g++ ninja-build ccache pkg-config
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # graph files, JSON, command line
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  # audio files
  libsndfile1-dev
  # JACK: the client library, and jackd as the peer of the interop tests
  libjack-jackd2-dev jackd2
  # ALSA: the PCM library (its null and file plugins let tests run without a card), aplay/arecord
  libasound2-dev alsa-utils
  # OSC: liblo, and its command-line tools as the peer of the OSC tests
  liblo-dev liblo-tools
  # PTP: linuxptp (ptp4l, pmc) as the peer, namespaces (iproute2), tshark as
  # the independent dissector
  linuxptp iproute2 tshark
  # WASM plug-ins: wabt (validation, wasm2c, the interpreter, wat2wasm), a C
  # compiler at run time (gcc, above), clang's wasm32 target with lld and
  # wasi-libc for the example plug-ins, Faust for the Faust example
  wabt lld wasi-libc libclang-rt-14-dev-wasm32 faust
  # resampling between clock domains (the clock bridge); alsa-lib's jack
  # PCM plug-in, the clock-driven ALSA device of the bridged-ALSA test
  libzita-resampler-dev libasound2-plugins
  # FFT (tests measure spectra with it)
  libfftw3-dev
  # independent peers for tests and benchmarks
  sox python3 time
  # fuzzing and sanitizers (clang's libFuzzer and runtimes)
  clang libclang-rt-14-dev
  # style checks
  clang-format clang-tidy
)

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
