// An entry's elements as text (for show) and as numbers (for diff).
#pragma once

#include <string>
#include <vector>

#include "checkpoint.h"

namespace cli {

// Every element formatted as numpy prints it ("1.5", "True", "'text'"), in C order.
std::vector<std::string> element_strings(ser_handle *h, const Entry &e);

// Every element as double (complex: real and imaginary parts interleaved). Numeric and bool only.
std::vector<double> element_values(ser_handle *h, const Entry &e);

// numpy-style nested brackets; with `summarize`, axes longer than 6 show 3 items, "...", 3 items.
std::string layout(const std::vector<std::string> &items, const std::vector<int64_t> &shape, bool summarize);

}  // namespace cli
