#pragma once
// One conformance vector's result, as `audiocloud conformance` prints it:
// the layers that ship vectors in a JSON file (the wire spec's, UMP's) run
// them into a list of these.
#include <string>

namespace ac {

struct VectorOutcome {
  std::string name;  // "valid 3: link offer: ..."
  bool pass = false;
  std::string detail;  // why not
};

}  // namespace ac
