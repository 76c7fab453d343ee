// Helpers shared by the IR frontend tests: a registry that knows every op type the test models use, a
// temporary directory and file helpers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "graph/op_registry.h"

namespace sparrow::ir::testing {

// Every type accepts every version 1..16, so "opsetN" resolves to N. Infer and evaluate are left empty: the
// reader never calls them.
inline const graph::OpRegistry& test_registry() {
  static const graph::OpRegistry registry = [] {
    graph::OpRegistry r;
    for (const char* type :
         {"Parameter",    "Const",   "Result",       "Add",  "Broadcast", "Concat",   "Convert", "Equal",
          "FakeQuantize", "Gather",  "Gelu",         "MVN",  "MatMul",    "Multiply", "Reshape", "Select",
          "ShapeOf",      "SoftMax", "StridedSlice", "Tanh", "Transpose", "Split"}) {
      graph::OpDef def;
      def.type = type;
      for (int v = 1; v <= 16; ++v) def.versions.push_back(v);
      def.max_inputs = 16;
      r.add(std::move(def));
    }
    return r;
  }();
  return registry;
}

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ =
        std::filesystem::temp_directory_path() / ("sparrow_ir_test_" + std::to_string(::getpid()) + "_" +
                                                  std::to_string(stamp) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces the one occurrence of `from` in `text`; fails the test if it is not there exactly once.
inline std::string replace_once(const std::string& text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not found";
  if (at == std::string::npos) return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "'" << from << "' found twice";
  return text.substr(0, at) + to + text.substr(at + from.size());
}

}  // namespace sparrow::ir::testing
