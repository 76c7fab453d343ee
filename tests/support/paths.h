// Where tests find the source tree, the build tree, ../shared and the sparrow command.
#pragma once

#include <filesystem>

namespace sparrow::testing {

inline std::filesystem::path source_dir() { return SPARROW_SOURCE_DIR; }
inline std::filesystem::path build_dir() { return SPARROW_BUILD_DIR; }
inline std::filesystem::path shared_dir() { return SPARROW_SHARED_DIR; }
inline std::filesystem::path cli_path() { return SPARROW_CLI; }

}  // namespace sparrow::testing
