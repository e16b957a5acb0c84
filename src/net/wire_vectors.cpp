#include "net/wire_vectors.h"

#include "net/wire_datagram.h"
#include "net/wire_json.h"
#include "net/wire_message.h"

namespace ac::wire {
namespace {

using nlohmann::json;

VectorOutcome valid(const json& v) {
  auto m = from_json(v.at("message"));
  if (!m) return {"", false, "the vector's message: " + m.error().message};
  const std::string want = v.at("hex").get<std::string>();
  const std::string got = cbor::to_hex(encode(*m));
  if (got != want) return {"", false, "encoded as " + got + ", the vector says " + want};
  auto bytes = cbor::from_hex(want);
  if (!bytes) return {"", false, bytes.error().message};
  const Decoded d = decode(*bytes);
  if (!d.ok())
    return {"", false,
            std::string("decoding refused it: ") + error_name(static_cast<uint32_t>(d.code)) + ": " + d.error};
  if (!(d.message == *m)) return {"", false, "decoded as " + to_json(d.message).dump()};
  return {"", true, ""};
}

VectorOutcome ignored(const json& v) {
  auto bytes = cbor::from_hex(v.at("hex").get<std::string>());
  if (!bytes) return {"", false, bytes.error().message};
  const Decoded d = decode(*bytes);
  if (!d.ok()) return {"", false, "refused: " + d.error};
  if (to_json(d.message) != v.at("message")) return {"", false, "decoded as " + to_json(d.message).dump()};
  return {"", true, ""};
}

VectorOutcome invalid(const json& v) {
  auto bytes = cbor::from_hex(v.at("hex").get<std::string>());
  if (!bytes) return {"", false, bytes.error().message};
  const Decoded d = decode(*bytes);
  const std::string code = error_name(static_cast<uint32_t>(d.code)), want_code = v.at("code").get<std::string>();
  if (d.ok()) return {"", false, "accepted, as " + to_json(d.message).dump()};
  if (code != want_code) return {"", false, "refused as " + code + " (" + d.error + "), the vector says " + want_code};
  const std::string want = v.at("error").get<std::string>();
  if (d.error.find(want) == std::string::npos)
    return {"", false, "the error says \"" + d.error + "\", the vector expects \"" + want + "\""};
  return {"", true, ""};
}

VectorOutcome datagram(const json& v) {
  auto bytes = cbor::from_hex(v.at("hex").get<std::string>());
  if (!bytes) return {"", false, bytes.error().message};
  auto d = decode_datagram(*bytes);
  if (v.contains("error")) {
    if (d) return {"", false, "accepted"};
    if (d.error().message.find(v.at("error").get<std::string>()) == std::string::npos)
      return {"", false, "refused with \"" + d.error().message + "\""};
    return {"", true, ""};
  }
  if (!d) return {"", false, d.error().message};
  const json& want = v.at("datagram");
  const std::string payload = cbor::to_hex(d->packet.payload);
  if (d->flow != want.at("flow").get<uint64_t>() || d->packet.header.sequence != want.at("sequence").get<uint16_t>() ||
      d->packet.header.timestamp != want.at("timestamp").get<uint32_t>() ||
      d->packet.header.ssrc != want.at("ssrc").get<uint32_t>() ||
      d->packet.header.payload_type != want.at("payload_type").get<uint8_t>() ||
      payload != want.at("payload").get<std::string>())
    return {"", false,
            "decoded flow " + std::to_string(d->flow) + ", sequence " + std::to_string(d->packet.header.sequence) +
                ", payload " + payload};
  rtp::Header h = d->packet.header;
  auto p = cbor::from_hex(want.at("payload").get<std::string>());
  std::vector<uint8_t> out;
  encode_datagram(d->flow, h, *p, out);
  if (cbor::to_hex(out) != v.at("hex").get<std::string>()) return {"", false, "encoded as " + cbor::to_hex(out)};
  return {"", true, ""};
}

}  // namespace

bool is_wire_vector_file(const json& vectors) {
  if (!vectors.is_object()) return false;
  const auto spec = vectors.find("spec");
  return spec != vectors.end() && spec->is_string() &&
         spec->get_ref<const std::string&>().rfind("docs/spec/wire.md", 0) == 0;
}

std::vector<VectorOutcome> run_wire_vectors(const json& vectors) {
  std::vector<VectorOutcome> out;
  const std::pair<const char*, VectorOutcome (*)(const json&)> kinds[] = {
      {"valid", valid}, {"ignored", ignored}, {"invalid", invalid}, {"datagrams", datagram}};
  for (const auto& [kind, run] : kinds) {
    if (!vectors.contains(kind)) continue;
    size_t i = 0;
    for (const json& v : vectors.at(kind)) {
      VectorOutcome o;
      try {
        o = run(v);
      } catch (const std::exception& e) {
        o = {"", false, std::string("not a vector of this format: ") + e.what()};
      }
      o.name = std::string(kind) + " " + std::to_string(++i) + ": " + v.value("description", std::string());
      out.push_back(std::move(o));
    }
  }
  if (out.empty()) out.push_back({"vectors", false, "no valid, ignored, invalid or datagrams list"});
  return out;
}

}  // namespace ac::wire
