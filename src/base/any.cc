#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "sparrow/any.h"
#include "sparrow/error.h"

namespace sparrow {

std::string Any::as_string() const {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "";
        else if constexpr (std::is_same_v<T, bool>) return v ? "YES" : "NO";
        else if constexpr (std::is_same_v<T, std::string>) return v;
        else if constexpr (std::is_same_v<T, double>) {
          std::string s = std::to_string(v);
          while (s.size() > 1 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
          return s;
        } else return std::to_string(v);
      },
      value_);
}

int64_t Any::as_int() const {
  if (auto* i = std::get_if<int64_t>(&value_)) return *i;
  if (auto* b = std::get_if<bool>(&value_)) return *b;
  if (auto* d = std::get_if<double>(&value_)) {
    SPARROW_CHECK(*d == static_cast<double>(static_cast<int64_t>(*d)), "expected an integer, got ", *d);
    return static_cast<int64_t>(*d);
  }
  std::string s = as_string();
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  SPARROW_CHECK(!s.empty() && ec == std::errc() && ptr == s.data() + s.size(), "expected an integer, got '", s, "'");
  return v;
}

double Any::as_double() const {
  if (auto* d = std::get_if<double>(&value_)) return *d;
  if (auto* i = std::get_if<int64_t>(&value_)) return static_cast<double>(*i);
  std::string s = as_string();
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  SPARROW_CHECK(!s.empty() && end == s.c_str() + s.size(), "expected a number, got '", s, "'");
  return v;
}

bool Any::as_bool() const {
  if (auto* b = std::get_if<bool>(&value_)) return *b;
  if (auto* i = std::get_if<int64_t>(&value_)) {
    SPARROW_CHECK(*i == 0 || *i == 1, "expected a boolean, got ", *i);
    return *i == 1;
  }
  std::string s = as_string();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  if (s == "YES" || s == "TRUE" || s == "1") return true;
  if (s == "NO" || s == "FALSE" || s == "0") return false;
  fail("expected YES/NO or true/false, got '", as_string(), "'");
}

}  // namespace sparrow
