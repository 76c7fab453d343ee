// Property values for the API (OpenVINO's ov::Any in spirit): what compile_model, set_property and
// get_property take and return.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

namespace sparrow {

// A property value: bool, integer, floating point or string. Conversions that lose meaning throw Error.
class Any {
 public:
  Any() = default;
  Any(bool v) : value_(v) {}
  Any(int v) : value_(int64_t{v}) {}
  Any(int64_t v) : value_(v) {}
  Any(uint32_t v) : value_(int64_t{v}) {}
  Any(double v) : value_(v) {}
  Any(float v) : value_(double{v}) {}
  Any(const char* v) : value_(std::string(v)) {}
  Any(std::string v) : value_(std::move(v)) {}

  bool empty() const { return std::holds_alternative<std::monostate>(value_); }
  std::string as_string() const;
  int64_t as_int() const;   // accepts integers and integral strings ("4")
  double as_double() const; // accepts numbers and numeric strings ("0.75")
  bool as_bool() const;     // accepts bools, 0/1, "YES"/"NO", "TRUE"/"FALSE"

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string> value_;
};

using AnyMap = std::map<std::string, Any>;

}  // namespace sparrow
