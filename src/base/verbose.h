// SPARROW_VERBOSE=topic[,topic...] turns on diagnostic lines on stderr (docs/knobs.md). Topics today:
// `dispatch` (each kernel selection: the candidates rejected with their reason, then the choice).
#pragma once

#include <string_view>

namespace sparrow::base {

// Whether SPARROW_VERBOSE lists `topic` (or `all`). Read on every call, so tests may set it.
bool verbose_enabled(std::string_view topic);

}  // namespace sparrow::base
