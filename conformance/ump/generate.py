#!/usr/bin/env python3
"""UMP conformance vectors, written from the layouts of the UMP and MIDI 2.0
Protocol specification (M2-104-UM v1.1) and its translation appendix,
independently of audiocloud's C++ code.

  python3 conformance/ump/generate.py > conformance/ump/vectors.json

Each message vector gives the packet's words (hex) and the message's name;
scaling vectors the min-center-max results; translation vectors the MIDI 1.0
protocol words (MT 0x2) and the MIDI 2.0 protocol words (MT 0x4).
"""
import json


def field(value, shift, width):
    assert 0 <= value < (1 << width), (value, width)
    return value << shift


def w(*words):
    return ["%08X" % x for x in words]


def mt2(group, status, d1, d2=0):
    return field(2, 28, 4) | field(group, 24, 4) | field(status, 16, 8) | field(d1, 8, 8) | field(d2, 0, 8)


def mt4(group, opcode, channel, b3, b4, data):
    return [field(4, 28, 4) | field(group, 24, 4) | field(opcode, 20, 4) | field(channel, 16, 4) |
            field(b3, 8, 8) | field(b4, 0, 8), data]


def bytes_to_words(head_bytes, payload, total_words):
    """head_bytes: the fixed leading bytes of word 0; payload fills the rest
    of the packet, zero-padded."""
    allb = list(head_bytes) + list(payload)
    allb += [0] * (4 * total_words - len(allb))
    return [int.from_bytes(bytes(allb[4 * i:4 * i + 4]), "big") for i in range(total_words)]


messages = []


def msg(name, words):
    messages.append({"name": name, "words": w(*words)})


# MT 0x0 utility
msg("utility: NOOP", [0x00000000])
msg("utility: JR clock", [field(1, 20, 4) | 0x1234])
msg("utility: JR timestamp", [field(2, 20, 4) | 0xBEEF])
msg("utility: delta clockstamp ticks per quarter note", [field(3, 20, 4) | 960])
msg("utility: delta clockstamp", [field(4, 20, 4) | 0xFFFFF])
# MT 0x1 system (group 3)
for status, data in [(0xF1, [0x35]), (0xF2, [0x10, 0x20]), (0xF3, [0x05]), (0xF6, []), (0xF8, []), (0xFA, []),
                     (0xFB, []), (0xFC, []), (0xFE, []), (0xFF, [])]:
    d = data + [0] * (2 - len(data))
    msg("system", [field(1, 28, 4) | field(3, 24, 4) | field(status, 16, 8) | field(d[0], 8, 8) | d[1]])
# MT 0x2 MIDI 1.0 channel voice
msg("MIDI 1.0 channel voice", [mt2(0, 0x90, 60, 100)])
msg("MIDI 1.0 channel voice", [mt2(15, 0xC3, 7)])
msg("MIDI 1.0 channel voice", [mt2(1, 0xE0, 0x00, 0x40)])
# MT 0x3 SysEx7: status complete/start/continue/end, count
msg("SysEx7", bytes_to_words([0x30, field(0, 4, 4) | 3], [0x7E, 0x7F, 0x09], 2))
msg("SysEx7", bytes_to_words([0x31, field(1, 4, 4) | 6], [1, 2, 3, 4, 5, 6], 2))
msg("SysEx7", bytes_to_words([0x31, field(2, 4, 4) | 6], [7, 8, 9, 10, 11, 12], 2))
msg("SysEx7", bytes_to_words([0x31, field(3, 4, 4) | 1], [13], 2))
# MT 0x4 MIDI 2.0 channel voice (group 2, channel 5)
G, C = 2, 5
msg("MIDI 2.0 registered per-note controller", mt4(G, 0x0, C, 60, 1, 0x80000000))
msg("MIDI 2.0 assignable per-note controller", mt4(G, 0x1, C, 60, 74, 0x12345678))
msg("MIDI 2.0 registered controller (RPN)", mt4(G, 0x2, C, 0, 0, 0x10000000))
msg("MIDI 2.0 assignable controller (NRPN)", mt4(G, 0x3, C, 1, 2, 0xFFFFFFFF))
msg("MIDI 2.0 relative registered controller", mt4(G, 0x4, C, 0, 1, 0xFFFFFFFF))
msg("MIDI 2.0 relative assignable controller", mt4(G, 0x5, C, 3, 4, 0x00000010))
msg("MIDI 2.0 per-note pitch bend", mt4(G, 0x6, C, 64, 0, 0x80000000))
msg("MIDI 2.0 note off", mt4(G, 0x8, C, 60, 0, 0x80000000))
msg("MIDI 2.0 note on", mt4(G, 0x9, C, 60, 3, (0xFFFF << 16) | 0x1234))
msg("MIDI 2.0 poly pressure", mt4(G, 0xA, C, 60, 0, 0x40000000))
msg("MIDI 2.0 control change", mt4(G, 0xB, C, 7, 0, 0xFFFFFFFF))
msg("MIDI 2.0 program change", mt4(G, 0xC, C, 0, 1, field(42, 24, 8) | field(1, 8, 8) | 2))
msg("MIDI 2.0 channel pressure", mt4(G, 0xD, C, 0, 0, 0x7FFFFFFF))
msg("MIDI 2.0 pitch bend", mt4(G, 0xE, C, 0, 0, 0x80000000))
msg("MIDI 2.0 per-note management", mt4(G, 0xF, C, 60, 0b11, 0))
# MT 0x5 data 128: SysEx8 (count includes the stream id), mixed data set
msg("SysEx8", bytes_to_words([0x51, field(0, 4, 4) | 4, 0x07], [0xF0, 0x01, 0xAB], 4))
msg("SysEx8", bytes_to_words([0x51, field(1, 4, 4) | 14, 0x07], list(range(13)), 4))
msg("mixed data set header", [0x51800000 | field(3, 16, 4) | 100, (2 << 16) | 1, (0x7D << 16) | 0x10,
                              (0x01 << 16) | 0x02])
msg("mixed data set payload", bytes_to_words([0x51, 0x90 | 3], list(range(1, 15)), 4))
# MT 0xD flex data: form(2) addrs(2) channel(4) bank(8) status(8)
def flex(group, form, addr, ch, bank, status, w1=0, w2=0, w3=0):
    return [field(0xD, 28, 4) | field(group, 24, 4) | field(form, 22, 2) | field(addr, 20, 2) | field(ch, 16, 4) |
            field(bank, 8, 8) | status, w1, w2, w3]
msg("flex data: set tempo", flex(0, 0, 1, 0, 0, 0x00, 50000000))
msg("flex data: set time signature", flex(0, 0, 1, 0, 0, 0x01, (6 << 24) | (3 << 16) | (8 << 8)))
msg("flex data: set metronome", flex(0, 0, 1, 0, 0, 0x02, (24 << 24) | (2 << 16), 0))
msg("flex data: set key signature", flex(0, 0, 0, 9, 0, 0x05, ((-3 & 0xF) << 28) | (3 << 24)))
msg("flex data: set chord name", flex(0, 0, 0, 0, 0, 0x06, 0x31000000))
msg("flex data: metadata text", flex(0, 1, 1, 0, 1, 0x01, *bytes_to_words([], b"audiocloud d", 3)))
msg("flex data: performance text", flex(0, 3, 1, 0, 2, 0x02, *bytes_to_words([], b"la", 3)))
# MT 0xF UMP stream: form(2) status(10) data(16)
def stream(form, status, data, w1=0, w2=0, w3=0):
    return [field(0xF, 28, 4) | field(form, 26, 2) | field(status, 16, 10) | data, w1, w2, w3]
msg("stream: endpoint discovery", stream(0, 0x000, 0x0101, 0x1F))
msg("stream: endpoint info notification", stream(0, 0x001, 0x0101, (1 << 31) | (2 << 24) | (1 << 9) | (1 << 8) | 3))
msg("stream: device identity notification", stream(0, 0x002, 0, 0x00007D, (0x0102 << 16) | 0x0304, 0x01020304))
msg("stream: endpoint name notification", bytes_to_words([0xF0, 0x03], b"audiocloud n1", 4))
msg("stream: product instance id notification", bytes_to_words([0xF4, 0x04], b"0123456789abcd", 4))
msg("stream: stream configuration request", stream(0, 0x005, 0x0200))
msg("stream: stream configuration notification", stream(0, 0x006, 0x0203))
msg("stream: function block discovery", stream(0, 0x010, 0xFF03))
msg("stream: function block info notification", stream(0, 0x011, 0x8000 | (1 << 8) | (3 << 4) | (1 << 2) | 3,
                                                       (0 << 24) | (4 << 16) | (1 << 8) | 0))
msg("stream: function block name notification", bytes_to_words([0xF0, 0x12, 0x01], b"Synth part 1", 4))
msg("stream: start of clip", stream(0, 0x020, 0))
msg("stream: end of clip", stream(0, 0x021, 0))


def upscale(value, src_bits, dst_bits):
    """Min-center-max: below or at the centre a plain shift; above it the
    value's bits under its top bit are repeated into the new low bits."""
    shift = dst_bits - src_bits
    out = value << shift
    if value <= (1 << (src_bits - 1)):
        return out
    rep_bits = src_bits - 1
    rep = value & ((1 << rep_bits) - 1)
    rep = rep << (shift - rep_bits) if shift > rep_bits else rep >> (rep_bits - shift)
    while rep:
        out |= rep
        rep >>= rep_bits
    return out


scaling = []
for bits_to in (16, 32):
    for v in (0, 1, 63, 64, 65, 126, 127):
        scaling.append({"value": v, "from_bits": 7, "to_bits": bits_to, "result": "%X" % upscale(v, 7, bits_to)})
for bits_to in (16, 32):
    for v in (0x0000, 0x0001, 0x2000, 0x2001, 0x3FFF):
        scaling.append({"value": v, "from_bits": 14, "to_bits": bits_to, "result": "%X" % upscale(v, 14, bits_to)})

# MIDI 1.0 protocol → MIDI 2.0 protocol (group 0, channel 0 unless said)
to_midi2 = [
    {"what": "note on", "midi1": w(mt2(0, 0x90, 60, 100)), "midi2": w(*mt4(0, 0x9, 0, 60, 0, upscale(100, 7, 16) << 16))},
    {"what": "note on velocity 0 (note off, default velocity 64)", "midi1": w(mt2(0, 0x91, 60, 0)),
     "midi2": w(*mt4(0, 0x8, 1, 60, 0, 0x8000 << 16))},
    {"what": "note off", "midi1": w(mt2(0, 0x80, 60, 127)), "midi2": w(*mt4(0, 0x8, 0, 60, 0, 0xFFFF << 16))},
    {"what": "control change", "midi1": w(mt2(0, 0xB2, 7, 65)), "midi2": w(*mt4(0, 0xB, 2, 7, 0, upscale(65, 7, 32)))},
    {"what": "pitch bend centre", "midi1": w(mt2(0, 0xE0, 0x00, 0x40)), "midi2": w(*mt4(0, 0xE, 0, 0, 0, 0x80000000))},
    {"what": "pitch bend max", "midi1": w(mt2(0, 0xE0, 0x7F, 0x7F)), "midi2": w(*mt4(0, 0xE, 0, 0, 0, 0xFFFFFFFF))},
    {"what": "bank select + program change", "midi1": w(mt2(0, 0xB0, 0, 1), mt2(0, 0xB0, 32, 2), mt2(0, 0xC0, 42)),
     "midi2": w(*mt4(0, 0xC, 0, 0, 1, (42 << 24) | (1 << 8) | 2))},
    {"what": "program change without bank", "midi1": w(mt2(0, 0xC4, 5)), "midi2": w(*mt4(0, 0xC, 4, 0, 0, 5 << 24))},
    {"what": "RPN 0/0 (pitch bend range) data entry MSB then LSB", "midi1": w(
        mt2(0, 0xB0, 101, 0), mt2(0, 0xB0, 100, 0), mt2(0, 0xB0, 6, 2), mt2(0, 0xB0, 38, 0x40)),
     "midi2": w(*mt4(0, 0x2, 0, 0, 0, upscale(2 << 7, 14, 32)), *mt4(0, 0x2, 0, 0, 0, upscale((2 << 7) | 0x40, 14, 32)))},
    {"what": "NRPN 1/2 data entry", "midi1": w(mt2(0, 0xB0, 99, 1), mt2(0, 0xB0, 98, 2), mt2(0, 0xB0, 6, 127)),
     "midi2": w(*mt4(0, 0x3, 0, 1, 2, upscale(127 << 7, 14, 32)))},
    {"what": "poly pressure", "midi1": w(mt2(0, 0xA0, 60, 64)), "midi2": w(*mt4(0, 0xA, 0, 60, 0, 0x80000000))},
    {"what": "channel pressure", "midi1": w(mt2(0, 0xD0, 127)), "midi2": w(*mt4(0, 0xD, 0, 0, 0, 0xFFFFFFFF))},
]

# MIDI 2.0 protocol → MIDI 1.0 protocol
to_midi1 = [
    {"what": "note on, velocity rounding to 0 becomes 1", "midi2": w(*mt4(0, 0x9, 0, 60, 0, 0x0100 << 16)),
     "midi1": w(mt2(0, 0x90, 60, 1))},
    {"what": "note off", "midi2": w(*mt4(0, 0x8, 3, 61, 0, 0x8000 << 16)), "midi1": w(mt2(0, 0x83, 61, 64))},
    {"what": "control change", "midi2": w(*mt4(0, 0xB, 0, 10, 0, 0x80000000)), "midi1": w(mt2(0, 0xB0, 10, 64))},
    {"what": "program change with bank", "midi2": w(*mt4(0, 0xC, 0, 0, 1, (42 << 24) | (1 << 8) | 2)),
     "midi1": w(mt2(0, 0xB0, 0, 1), mt2(0, 0xB0, 32, 2), mt2(0, 0xC0, 42))},
    {"what": "RPN", "midi2": w(*mt4(0, 0x2, 0, 0, 1, 0x80000000)),
     "midi1": w(mt2(0, 0xB0, 101, 0), mt2(0, 0xB0, 100, 1), mt2(0, 0xB0, 6, 64), mt2(0, 0xB0, 38, 0))},
    {"what": "pitch bend", "midi2": w(*mt4(0, 0xE, 0, 0, 0, 0xFFFFFFFF)), "midi1": w(mt2(0, 0xE0, 0x7F, 0x7F))},
    {"what": "per-note pitch bend has no MIDI 1.0 form", "midi2": w(*mt4(0, 0x6, 0, 60, 0, 0)), "midi1": []},
]

print(json.dumps({"spec": "M2-104-UM v1.1", "messages": messages, "scaling": scaling, "midi1_to_midi2": to_midi2,
                  "midi2_to_midi1": to_midi1}, indent=1))
