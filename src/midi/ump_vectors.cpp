#include "midi/ump_vectors.h"

#include <cstdio>
#include <string>

#include "midi/translate.h"
#include "midi/ump.h"
#include "midi/ump_classify.h"

namespace ac::ump {
namespace {

using nlohmann::json;

std::vector<uint32_t> words_of(const json& list) {
  std::vector<uint32_t> out;
  for (const auto& s : list) out.push_back(static_cast<uint32_t>(std::stoul(s.get<std::string>(), nullptr, 16)));
  return out;
}

std::string hex(const std::vector<uint32_t>& words) {
  std::string s;
  char b[12];
  for (const uint32_t w : words) {
    std::snprintf(b, sizeof b, "%s%08X", s.empty() ? "" : " ", w);
    s += b;
  }
  return s;
}

VectorOutcome message(const json& v) {
  const auto words = words_of(v.at("words"));
  if (words.empty()) return {"", false, "no words"};
  const uint32_t size = word_count(message_type(words[0]));
  if (words.size() != size)
    return {"", false, std::to_string(words.size()) + " words; this message type has " + std::to_string(size)};
  const Check c = classify(words.data());
  if (!c.valid()) return {"", false, std::string("not a valid packet: ") + c.problem};
  if (std::string(c.name) != v.at("name").get<std::string>())
    return {"", false, std::string("read as \"") + c.name + "\""};
  return {"", true, ""};
}

VectorOutcome scaling(const json& v) {
  const auto want = static_cast<uint32_t>(std::stoul(v.at("result").get<std::string>(), nullptr, 16));
  const uint32_t got =
      upscale(v.at("value").get<uint32_t>(), v.at("from_bits").get<uint8_t>(), v.at("to_bits").get<uint8_t>());
  if (got != want) return {"", false, "scaled to " + hex({got}) + ", the vector says " + hex({want})};
  return {"", true, ""};
}

VectorOutcome up(const json& v) {
  Midi1ToMidi2 tr;
  std::vector<uint32_t> got;
  for (const uint32_t w : words_of(v.at("midi1")))
    tr.convert(w, [&](const Words& p) { got.insert(got.end(), p.begin(), p.begin() + 2); });
  const auto want = words_of(v.at("midi2"));
  if (got != want) return {"", false, "translated to " + hex(got) + ", the vector says " + hex(want)};
  return {"", true, ""};
}

VectorOutcome down(const json& v) {
  Midi2ToMidi1 tr;
  std::vector<uint32_t> got;
  const auto in = words_of(v.at("midi2"));
  if (in.size() < 2) return {"", false, "a MIDI 2.0 channel voice message has 2 words"};
  tr.convert(in.data(), [&](uint32_t w) { got.push_back(w); });
  const auto want = words_of(v.at("midi1"));
  if (got != want) return {"", false, "translated to " + hex(got) + ", the vector says " + hex(want)};
  return {"", true, ""};
}

}  // namespace

bool is_ump_vector_file(const json& vectors) {
  if (!vectors.is_object()) return false;
  const auto spec = vectors.find("spec");
  return spec != vectors.end() && spec->is_string() && spec->get_ref<const std::string&>().rfind("M2-104-UM", 0) == 0;
}

std::vector<VectorOutcome> run_ump_vectors(const json& vectors) {
  std::vector<VectorOutcome> out;
  struct Kind {
    const char* key;
    const char* label;  // which field names a vector
    VectorOutcome (*run)(const json&);
  };
  const Kind kinds[] = {{"messages", "name", message},
                        {"scaling", "", scaling},
                        {"midi1_to_midi2", "what", up},
                        {"midi2_to_midi1", "what", down}};
  for (const Kind& k : kinds) {
    if (!vectors.contains(k.key)) continue;
    size_t i = 0;
    for (const json& v : vectors.at(k.key)) {
      VectorOutcome o;
      try {
        o = k.run(v);
      } catch (const std::exception& e) {
        o = {"", false, std::string("not a vector of this format: ") + e.what()};
      }
      const auto named = *k.label && v.is_object() ? v.find(k.label) : v.end();
      const std::string what = named != v.end() && named->is_string() ? named->get<std::string>() : v.dump();
      o.name = std::string(k.key) + " " + std::to_string(++i) + ": " + what;
      out.push_back(std::move(o));
    }
  }
  if (out.empty()) out.push_back({"vectors", false, "no messages, scaling or translation lists"});
  return out;
}

}  // namespace ac::ump
