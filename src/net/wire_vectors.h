#pragma once
// Runs the wire spec's conformance vectors (conformance/wire/vectors.json,
// docs/spec/wire.md §5) against this codec: each valid message encodes to
// its bytes and decodes back, ignored fields are ignored, invalid bytes
// are refused with the code and message named, datagrams round-trip.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/vector_outcome.h"

namespace ac::wire {

// [control] Every vector in `vectors` (the file's JSON); a file that is not
// in the vector format gives one failed outcome saying why.
std::vector<VectorOutcome> run_wire_vectors(const nlohmann::json& vectors);

// Whether `vectors` is such a file (its "spec" names docs/spec/wire.md).
bool is_wire_vector_file(const nlohmann::json& vectors);

}  // namespace ac::wire
