#pragma once
// The intent messages as JSON, with the field names of docs/spec/wire.md
// ({"type": "link-offer", "link": 1, ...}): how conformance/wire writes
// them, and how a user reads a decoded message.
#include <nlohmann/json.hpp>

#include "core/expected.h"
#include "net/wire_message.h"

namespace ac::wire {

nlohmann::json to_json(const Message& m);
// A missing or mistyped field is an error naming it.
Expected<Message> from_json(const nlohmann::json& j);

}  // namespace ac::wire
