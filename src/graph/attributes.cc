#include "graph/attributes.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "sparrow/error.h"

namespace sparrow::graph {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\n\r");
  return s.substr(b, e - b + 1);
}

int64_t parse_int(const std::string& key, const std::string& raw) {
  std::string text = trim(raw);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  SPARROW_CHECK(!text.empty() && ec == std::errc() && ptr == text.data() + text.size(), "attribute '", key,
                "': expected an integer, found '", raw, "'");
  return v;
}

double parse_float(const std::string& key, const std::string& raw) {
  std::string text = trim(raw);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  SPARROW_CHECK(!text.empty() && end == text.c_str() + text.size(), "attribute '", key,
                "': expected a number, found '", raw, "'");
  return v;
}

}  // namespace

std::string Attributes::get_string(const std::string& key) const {
  auto it = values_.find(key);
  SPARROW_CHECK(it != values_.end(), "missing attribute '", key, "'");
  return it->second;
}

std::string Attributes::get_string(const std::string& key, const std::string& fallback) const {
  auto it = values_.find(key);
  return it == values_.end() ? fallback : it->second;
}

int64_t Attributes::get_int(const std::string& key) const {
  return parse_int(key, get_string(key));
}

int64_t Attributes::get_int(const std::string& key, int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}

double Attributes::get_float(const std::string& key) const {
  return parse_float(key, get_string(key));
}

double Attributes::get_float(const std::string& key, double fallback) const {
  return has(key) ? get_float(key) : fallback;
}

std::string Attributes::get_lowercase(const std::string& key, const std::string& fallback) const {
  std::string v = get_string(key, fallback);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v;
}

bool Attributes::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  std::string v = trim(get_string(key));
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  fail("attribute '", key, "': expected true or false, found '", get_string(key), "'");
}

std::vector<int64_t> Attributes::get_ints(const std::string& key) const {
  std::string text = trim(get_string(key));
  std::vector<int64_t> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(parse_int(key, text.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

std::vector<int64_t> Attributes::get_ints(const std::string& key,
                                          const std::vector<int64_t>& fallback) const {
  return has(key) ? get_ints(key) : fallback;
}

}  // namespace sparrow::graph
