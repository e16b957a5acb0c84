#!/usr/bin/env bash
# AES67 sending, audiocloud beside GStreamer in the same run, on loopback:
#   - CPU per stream: user+system seconds to send 10 s of noise as RTP L24,
#     8 channels at 1 ms and 64 channels at 125 us (ST 2110-30 level C);
#   - pacing: the standard deviation of the gaps between packets as tshark
#     sees them arrive (1 ms packets, 2 channels), and the largest gap.
#   - CPU to receive: audiocloud (resampled and tied) beside GStreamer
#     (udpsrc ! rtpjitterbuffer ! rtpL24depay), the same sender feeding each;
#   - the link offset held between two processes at 125 us packets: late
#     packets over LATENCY_SECONDS (60), the least headroom, and the
#     machine's own stalls in the same minute (cyclictest).
# Needs gst-launch-1.0 (rtpL24pay), tshark and cyclictest (rt-tests).  bench/aes67_vs_gstreamer.sh
set -euo pipefail
cd "$(dirname "$0")/.."
B="${AUDIOCLOUD_BIN:-build/release/src/app/audiocloud}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

graph() {  # channels packet_time port [block_size]
  {
    echo "block_size: ${4:-64}"
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

# SECTIONS picks what to run (default all): send pacing receive latency.
want() { [[ " ${SECTIONS:-send pacing receive latency} " == *" $1 "* ]]; }

if want send; then
echo "CPU to send 10 s (user+system):"
for spec in "8 1ms 1000000" "64 125us 125000"; do
  set -- $spec
  ours=$(cpu "$B" run "$(graph "$1" "$2" 5020)" -d 10s)
  gst=$(cpu timeout -s INT 10 gst-launch-1.0 -q audiotestsrc wave=white-noise is-live=true \
    ! "audio/x-raw,format=S24BE,rate=48000,channels=$1" \
    ! rtpL24pay pt=96 "min-ptime=$3" "max-ptime=$3" ! udpsink host=127.0.0.1 port=5022)
  echo "  $1 ch at $2: audiocloud ${ours} s, GStreamer ${gst} s (ratio $(awk "BEGIN{printf \"%.2f\", $ours / $gst}"))"
done
fi

gaps() {  # pcap port: "sd_us max_us packets"
  tshark -r "$1" -Y "udp.dstport==$2" -T fields -e frame.time_relative 2>/dev/null |
    awk 'NR > 1 { d = ($1 - p) * 1e6; s += d; q += d * d; if (d > m) m = d; n++ } { p = $1 }
         END { mean = s / n; printf "%.1f %.0f %d", sqrt(q / n - mean * mean), m, n }'
}

if want pacing; then
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
fi

rx_graph() {  # channels packet_time port timing link_offset_ms [block_size]
  {
    echo "block_size: ${6:-64}"
    echo "nodes:"
    echo "  rx: {type: aes67.rx, channels: $1, params: {source: \"127.0.0.1:$3\", packet_time: $2, timing: $4, link_offset: $5}}"
    echo "  out: {type: output, channels: $1}"
    echo "connections:"
    echo "  - rx.out -> out.in"
  } > "$work/rx_$1_$4.yaml"
  echo "$work/rx_$1_$4.yaml"
}

gst_send() {  # channels ptime_ns port seconds: a paced sender in the background
  timeout -s INT "$4" gst-launch-1.0 -q audiotestsrc wave=white-noise is-live=true \
    ! "audio/x-raw,format=S24BE,rate=48000,channels=$1" \
    ! rtpL24pay pt=96 "min-ptime=$2" "max-ptime=$2" ! udpsink host=127.0.0.1 "port=$3" > /dev/null 2>&1 &
}

# GStreamer 1.22's L24 depayloader crashes on 64 channels ("Unknown channel
# order"), so receiving is compared at 8 channels; 64 is measured for us.
if want receive; then
echo "CPU to receive 10 s (user+system; the same GStreamer sender feeds each receiver):"
for spec in "8 1ms 1000000" "8 125us 125000"; do
  set -- $spec
  line="  $1 ch at $2:"
  for timing in resample arrival; do
    gst_send "$1" "$3" 5030 12
    sleep 0.5
    t=$(cpu "$B" run "$(rx_graph "$1" "$2" 5030 "$timing" 5)" -d 10s)
    wait || true
    eval "ours_$timing=$t"
  done
  gst_send "$1" "$3" 5032 12
  sleep 0.5
  gst=$(cpu timeout -k 2 -s INT 10 gst-launch-1.0 -q udpsrc address=127.0.0.1 port=5032 \
    caps="application/x-rtp,media=audio,clock-rate=48000,encoding-name=L24,channels=$1,payload=96" \
    ! rtpjitterbuffer latency=5 ! rtpL24depay ! audioconvert ! fakesink sync=true)
  wait || true
  echo "$line audiocloud ${ours_resample} s (resampled), ${ours_arrival} s (arrival); GStreamer ${gst} s" \
    "(ratios $(awk "BEGIN{printf \"%.2f, %.2f\", $ours_resample / $gst, $ours_arrival / $gst}"))"
done

gst_send 64 125000 5030 12
sleep 0.5
t=$(cpu "$B" run "$(rx_graph 64 125us 5030 resample 5)" -d 10s)
wait || true
echo "  64 ch at 125us: audiocloud ${t} s (resampled)"
fi

# A block is computed before its first frame is due: the receiver needs
# the whole block there, so the least link offset is a block, a packet and
# the worst delay of the sender's pacer, the network and the receiver's
# thread. Both ends run 16-frame blocks (333 us) here. The receiver reports
# its least headroom (how early the most nearly late packet came): the link
# offset less it is what the run needed. cyclictest runs beside it at the
# receiver thread's priority: what the machine itself lost to stalls in
# the same minute, which no offset below it can survive.
if want latency; then
echo "Link offset held for ${LATENCY_SECONDS:=60} s between two processes, 2 ch at 125 us, 16-frame blocks:"
for offset in ${OFFSETS:-10 1}; do
  cyclictest -q -m -p 60 -i 1000 -t 2 -D "${LATENCY_SECONDS}" > "$work/cyclic" 2>&1 &
  probe=$!
  "$B" run "$(graph 2 125us 5034 16)" -d "$((LATENCY_SECONDS + 2))s" > /dev/null 2>&1 &
  sender=$!
  report=$("$B" run "$(rx_graph 2 125us 5034 arrival "$offset" 16)" -d "${LATENCY_SECONDS}s" 2>&1 < /dev/null |
    grep -o "[0-9]* RTP packets from.*link offset)")
  wait $sender || true
  wait $probe || true
  stall=$(grep -o "Max: *[0-9]*" "$work/cyclic" | awk '{ if ($2 > m) m = $2 } END { printf "%.3f", m / 1000 }')
  echo "  link offset $offset ms: $report"
  echo "    the machine's longest wake-up delay in the same run (cyclictest, 2 threads, priority 60): ${stall} ms"
done
fi
