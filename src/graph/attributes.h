// Node attributes as the IR stores them: strings, parsed on demand into typed values. Parse errors throw
// sparrow::Error naming the attribute and the text found; the caller adds the node's name.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sparrow::graph {

class Attributes {
 public:
  void set(const std::string& key, std::string value) { values_[key] = std::move(value); }
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  const std::map<std::string, std::string>& all() const { return values_; }

  // Each getter without a default throws if the attribute is missing.
  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  int64_t get_int(const std::string& key) const;
  int64_t get_int(const std::string& key, int64_t fallback) const;
  double get_float(const std::string& key) const;
  double get_float(const std::string& key, double fallback) const;
  // An enumeration-like string attribute ("numpy", "INSIDE_SQRT"), lower-cased for comparison.
  std::string get_lowercase(const std::string& key, const std::string& fallback) const;
  // "true"/"false" (any case) and "1"/"0".
  bool get_bool(const std::string& key, bool fallback) const;
  // Comma-separated integers; an empty string is an empty list.
  std::vector<int64_t> get_ints(const std::string& key) const;
  std::vector<int64_t> get_ints(const std::string& key, const std::vector<int64_t>& fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace sparrow::graph
