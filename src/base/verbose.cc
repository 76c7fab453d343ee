#include "base/verbose.h"

#include <cstdlib>

namespace sparrow::base {

bool verbose_enabled(std::string_view topic) {
  const char* env = std::getenv("SPARROW_VERBOSE");
  if (!env) return false;
  std::string_view list(env);
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    if (item == topic || item == "all") return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace sparrow::base
