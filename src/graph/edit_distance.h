#pragma once
// Suggestions for misspelt names in error messages.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ac {

// Levenshtein distance (insert, delete, substitute, each cost 1).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `name`, if its distance is at most a third of the
// longer name (at least 1, at most 3); else "".
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

// ", did you mean 'x'?" or "" — ready to append to a message.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace ac
