#!/usr/bin/env python3
"""Writes conformance/wire/vectors.json: the intent messages of
docs/spec/wire.md as JSON beside their CBOR bytes, and datagrams beside
their bytes. The bytes come from this file's own small CBOR encoder (core
deterministic encoding, RFC 8949 §4.2.1), written from the RFC and
independent of the project's C++ codec, which is tested against them.

    python3 conformance/wire/generate.py
"""
import json
import os
import struct


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError(n)


def cbor(v):
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if v is None:
        return b"\xf6"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode("utf-8")
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        items = sorted((cbor(k), cbor(x)) for k, x in v.items())  # bytewise order of the encoded keys
        return head(5, len(items)) + b"".join(k + x for k, x in items)
    raise TypeError(v)


STATES = {"free-running": 0, "locking": 1, "locked": 2, "holdover": 3}
CODES = ["none", "malformed", "unsupported-version", "unknown-message", "unknown-link", "format-refused",
         "budget-refused", "not-authorised", "message-too-large", "datagrams-unsupported", "congestion",
         "internal", "unknown-stream"]
TYPES = ["hello", "link-offer", "link-answer", "clock-status", "keepalive", "close", "error"]


def clock(c):
    m = {0: STATES[c["state"]]}
    if "grandmaster" in c:
        m[1] = bytes.fromhex(c["grandmaster"])
    if "domain" in c:
        m[2] = c["domain"]
    if "confidence_ns" in c:
        m[3] = c["confidence_ns"]
    return m


def item(msg):
    """The CBOR map of a message given as spec JSON."""
    t = msg["type"]
    m = {0: TYPES.index(t) + 1}
    if t == "hello":
        m.update({1: msg["version"], 2: msg["name"], 3: msg["software"], 4: msg["sample_rates"],
                  5: clock(msg["clock"]),
                  6: [{0: p["name"], 1: 1 if p["direction"] == "output" else 0, 2: p["channels"]} for p in msg["io"]],
                  7: {0: msg["budget"]["cores"], 1: msg["budget"]["load_permille"]}})
    elif t == "link-offer":
        f = msg["format"]
        m.update({1: msg["link"], 2: msg["bus"],
                  3: {0: f["encoding"], 1: f["sample_rate"], 2: f["channels"], 3: f["frames_per_packet"]},
                  4: msg["latency_us"], 5: msg["redundancy"], 6: msg["flow"]})
    elif t == "link-answer":
        m.update({1: msg["link"], 2: msg["accepted"]})
        if "latency_us" in msg:
            m[3] = msg["latency_us"]
        if "code" in msg:
            m[4] = CODES.index(msg["code"])
        if "reason" in msg:
            m[5] = msg["reason"]
    elif t == "clock-status":
        m[1] = clock(msg["clock"])
    elif t == "keepalive":
        m[1] = msg["media_time_ns"]
    elif t == "close":
        m[1] = CODES.index(msg["code"])
        if "reason" in msg:
            m[2] = msg["reason"]
    elif t == "error":
        m.update({1: CODES.index(msg["code"]), 2: msg["text"]})
        if "in_reply_to" in msg:
            m[3] = TYPES.index(msg["in_reply_to"]) + 1
    return m


def varint(n):
    for size, prefix in ((1, 0x00), (2, 0x40), (4, 0x80), (8, 0xC0)):
        if n < 1 << (8 * size - 2):
            b = bytearray(n.to_bytes(size, "big"))
            b[0] |= prefix
            return bytes(b)
    raise ValueError(n)


VALID = [
    ("hello from a PTP-locked node", {
        "type": "hello", "version": 0, "name": "studio-a", "software": "audiocloud 0.4.0",
        "sample_rates": [48000, 96000],
        "clock": {"state": "locked", "grandmaster": "39a794fffe07cbd0", "domain": 0, "confidence_ns": 250},
        "io": [{"name": "system:capture", "direction": "input", "channels": 2},
               {"name": "system:playback", "direction": "output", "channels": 8}],
        "budget": {"cores": 2, "load_permille": 125}}),
    ("hello from a free-running node with no I/O", {
        "type": "hello", "version": 0, "name": "render-7", "software": "audiocloud 0.4.0",
        "sample_rates": [48000], "clock": {"state": "free-running"}, "io": [],
        "budget": {"cores": 16, "load_permille": 0}}),
    ("link offer: 8 channels of L24 at 1 ms, 2 ms budget, sent twice", {
        "type": "link-offer", "link": 1, "bus": "drums", "format":
        {"encoding": "L24", "sample_rate": 48000, "channels": 8, "frames_per_packet": 48},
        "latency_us": 2000, "redundancy": 2, "flow": 4}),
    ("link offer: 64 channels of F32 at 125 us, a flow id of two bytes", {
        "type": "link-offer", "link": 70000, "bus": "stage box", "format":
        {"encoding": "F32", "sample_rate": 96000, "channels": 64, "frames_per_packet": 12},
        "latency_us": 1125, "redundancy": 1, "flow": 300}),
    ("link answer: accepted with a longer budget", {
        "type": "link-answer", "link": 1, "accepted": True, "latency_us": 2500}),
    ("link answer: refused, with the reason", {
        "type": "link-answer", "link": 2, "accepted": False, "code": "format-refused",
        "reason": "no 96 kHz here"}),
    ("clock status: holdover", {
        "type": "clock-status", "clock": {"state": "holdover", "grandmaster": "001b21fffe123456", "domain": 10,
                                          "confidence_ns": 4000}}),
    ("keepalive at a media time past 2^32 ns", {"type": "keepalive", "media_time_ns": 1733240000123456789}),
    ("close, orderly", {"type": "close", "code": "none"}),
    ("close with a reason in UTF-8", {"type": "close", "code": "not-authorised", "reason": "zertifikat ungültig"}),
    ("error answering an unknown message", {"type": "error", "code": "unknown-message",
                                            "text": "message type 9 is not one this draft knows"}),
    ("error in reply to a link offer", {"type": "error", "code": "unknown-link", "text": "link 5 was never offered",
                                        "in_reply_to": "link-answer"}),
]


def hexs(b):
    return b.hex()


def invalid():
    """Bytes a decoder must refuse, with the code and a part of the message."""
    keep = cbor({0: 5, 1: 7})
    return [
        ("not a map", cbor([5, 7]), "malformed", "a message is a CBOR map"),
        ("no message type", cbor({1: 7}), "malformed", "key 0"),
        ("an unknown message type (answered, not fatal)", cbor({0: 9, 1: 1}), "unknown-message", "message type 9"),
        ("keepalive without its time", cbor({0: 5}), "malformed", "keepalive: key 1 (media time) is missing"),
        ("keepalive with text for its time", cbor({0: 5, 1: "soon"}), "malformed",
         "keepalive: key 1 (media time) must be an unsigned integer"),
        ("a map key twice", bytes([0xa3, 0x00, 0x05, 0x01, 0x07, 0x01, 0x08]), "malformed", "a map key twice"),
        ("an indefinite-length map", bytes([0xbf, 0x00, 0x05, 0x01, 0x07, 0xff]), "malformed",
         "indefinite lengths are not allowed"),
        ("a tag", bytes([0xc1]) + keep, "malformed", "tags are not used"),
        ("a float for the media time", bytes([0xa2, 0x00, 0x05, 0x01, 0xfb]) + struct.pack(">d", 1.5), "malformed",
         "floats are not used"),
        ("bytes after the item", keep + b"\x00", "malformed", "1 bytes after the item"),
        ("truncated", keep[:-1], "malformed", "a map longer than what follows"),
        ("a text string cut short", bytes([0xa3, 0x00, 0x06, 0x01, 0x00, 0x02]) + bytes([0x65]) + b"ab", "malformed",
         "a string longer than what follows"),
        ("a reason that is not UTF-8", bytes([0xa3, 0x00, 0x06, 0x01, 0x00, 0x02, 0x62, 0xc3, 0x28]), "malformed",
         "text that is not UTF-8"),
        ("link offer with 65 channels", cbor(item(dict(VALID[2][1], format=dict(VALID[2][1]["format"], channels=65)))),
         "malformed", "link-offer: key 3 (format): key 2 (channels) must be an unsigned integer up to 64"),
        ("link offer with an unknown encoding", cbor(item(dict(VALID[2][1], format=dict(VALID[2][1]["format"],
                                                                                       encoding="L32")))),
         "malformed", "key 0 (encoding) must be L16, L24 or F32"),
        ("hello with a grandmaster of 6 bytes", cbor({**item(VALID[0][1]), 5: {0: 2, 1: b"\x01" * 6}}),
         "malformed", "key 1 (grandmaster) must be 8 bytes"),
        ("nested deeper than 8", bytes([0xa2, 0x00, 0x05, 0x01]) + bytes([0x81]) * 8 + b"\x00", "malformed",
         "nested deeper than 8"),
    ]


def ignored():
    """Unknown keys are ignored: these decode to the message given."""
    base = VALID[7][1]
    return [("keepalive with an unknown key 9 (a later draft's field)", cbor({0: 5, 1: base["media_time_ns"],
                                                                                9: ["new", 1]}), base),
            ("keepalive with a longer integer form than needed", bytes([0xa2, 0x18, 0x00, 0x05, 0x01]) +
             bytes([0x1b]) + base["media_time_ns"].to_bytes(8, "big"), base)]


def datagrams():
    out = []
    for desc, flow, seq, ts, ssrc, payload in [
            ("flow 4, one stereo L24 frame", 4, 1, 48000, 0x12345678, bytes([0x7f, 0xff, 0xff, 0x80, 0x00, 0x00])),
            ("flow 300 (two-byte varint), sequence and timestamp near their wrap", 300, 65535, 0xFFFFFFD0,
             0xCAFEF00D, bytes(range(12))),
            ("flow 2^30 (eight-byte varint)", 1 << 30, 0, 0, 1, b"\x00\x01")]:
        rtp = struct.pack("!BBHII", 0x80, 96, seq, ts, ssrc) + payload
        out.append({"description": desc, "datagram": {"flow": flow, "payload_type": 96, "sequence": seq,
                                                      "timestamp": ts, "ssrc": ssrc, "payload": payload.hex()},
                    "hex": hexs(varint(flow) + rtp)})
    out.append({"description": "a flow id that runs past the end", "hex": "40", "error": "flow id"})
    out.append({"description": "flow 1 then an RTP header of 11 bytes", "hex": "01" + "80" * 11,
                "error": "not an RTP packet"})
    return out


def main():
    vectors = {
        "spec": "docs/spec/wire.md, draft v0",
        "generated_by": "conformance/wire/generate.py",
        "valid": [{"description": d, "message": m, "hex": hexs(cbor(item(m)))} for d, m in VALID],
        "ignored": [{"description": d, "hex": hexs(b), "message": m} for d, b, m in ignored()],
        "invalid": [{"description": d, "hex": hexs(b), "code": c, "error": e} for d, b, c, e in invalid()],
        "datagrams": datagrams(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(vectors, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
