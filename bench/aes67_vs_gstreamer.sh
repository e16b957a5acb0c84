#!/usr/bin/env bash
# AES67 sending, audiocloud beside GStreamer in the same run, on loopback:
#   - CPU per stream: user+system seconds to send 10 s of noise as RTP L24,
#     8 channels at 1 ms and 64 channels at 125 us (ST 2110-30 level C);
#   - pacing: the standard deviation of the gaps between packets as tshark
#     sees them arrive (1 ms packets, 2 channels), and the largest gap.
# Needs gst-launch-1.0 (rtpL24pay) and tshark.  bench/aes67_vs_gstreamer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
B="${AUDIOCLOUD_BIN:-build/release/src/app/audiocloud}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

graph() {  # channels packet_time port
  {
    echo "nodes:"
    for ((c = 0; c < $1; c++)); do echo "  n$c: {type: noise, params: {seed: $((c + 1))}}"; done
    echo "  tx: {type: aes67.tx, channels: $1, params: {destination: \"127.0.0.1:$3\", packet_time: $2}}"
    echo "connections:"
    for ((c = 0; c < $1; c++)); do echo "  - n$c.out -> tx.in[$c]"; done
  } > "$work/tx_$1.yaml"
  echo "$work/tx_$1.yaml"
}

cpu() {  # command...: user+system seconds
  /usr/bin/time -f "%U %S" -o "$work/t" "$@" > /dev/null 2>&1 || true
  tail -1 "$work/t" | awk '{printf "%.2f", $1 + $2}'
}

echo "CPU to send 10 s (user+system):"
for spec in "8 1ms 1000000" "64 125us 125000"; do
  set -- $spec
  ours=$(cpu "$B" run "$(graph "$1" "$2" 5020)" -d 10s)
  gst=$(cpu timeout -s INT 10 gst-launch-1.0 -q audiotestsrc wave=white-noise is-live=true \
    ! "audio/x-raw,format=S24BE,rate=48000,channels=$1" \
    ! rtpL24pay pt=96 "min-ptime=$3" "max-ptime=$3" ! udpsink host=127.0.0.1 port=5022)
  echo "  $1 ch at $2: audiocloud ${ours} s, GStreamer ${gst} s (ratio $(awk "BEGIN{printf \"%.2f\", $ours / $gst}"))"
done

gaps() {  # pcap port: "sd_us max_us packets"
  tshark -r "$1" -Y "udp.dstport==$2" -T fields -e frame.time_relative 2>/dev/null |
    awk 'NR > 1 { d = ($1 - p) * 1e6; s += d; q += d * d; if (d > m) m = d; n++ } { p = $1 }
         END { mean = s / n; printf "%.1f %.0f %d", sqrt(q / n - mean * mean), m, n }'
}

echo "Pacing of 1 ms packets over 5 s (gaps between arrivals on loopback):"
tshark -q -i lo -a duration:14 -f "udp port 5024 or udp port 5026" -w "$work/pace.pcap" > /dev/null 2>&1 &
capture=$!
sleep 2
"$B" run "$(graph 2 1ms 5024)" -d 5s > /dev/null 2>&1
timeout -s INT 5 gst-launch-1.0 -q audiotestsrc wave=white-noise is-live=true \
  ! "audio/x-raw,format=S24BE,rate=48000,channels=2" \
  ! rtpL24pay pt=96 min-ptime=1000000 max-ptime=1000000 ! udpsink host=127.0.0.1 port=5026 > /dev/null 2>&1 || true
wait $capture || true
read -r ours_sd ours_max ours_n <<< "$(gaps "$work/pace.pcap" 5024)"
read -r gst_sd gst_max gst_n <<< "$(gaps "$work/pace.pcap" 5026)"
echo "  audiocloud: sd ${ours_sd} us, largest gap ${ours_max} us (${ours_n} gaps)"
echo "  GStreamer:  sd ${gst_sd} us, largest gap ${gst_max} us (${gst_n} gaps)"
