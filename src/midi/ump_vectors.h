#pragma once
// Runs conformance/ump/vectors.json (written by conformance/ump/generate.py
// from the UMP specification's layouts, independently of this code) for
// `audiocloud conformance`: each message's words are a valid packet of the
// named kind and size, scaling gives the spec's values, and the MIDI 1.0 <->
// 2.0 translations give the spec's words. A user's own file in the same
// format runs the same way.
#include <nlohmann/json.hpp>
#include <vector>

#include "core/vector_outcome.h"

namespace ac::ump {

// [control] Every vector; a file not in this format gives one failed
// outcome saying why.
std::vector<VectorOutcome> run_ump_vectors(const nlohmann::json& vectors);

// Whether `vectors` is such a file (its "spec" names the UMP specification).
bool is_ump_vector_file(const nlohmann::json& vectors);

}  // namespace ac::ump
