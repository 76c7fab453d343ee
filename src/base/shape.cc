#include "sparrow/shape.h"

#include <charconv>
#include <limits>

#include "sparrow/error.h"

namespace sparrow {

int64_t shape_size(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    SPARROW_CHECK(d >= 0, "negative dimension in shape ", to_string(shape));
    SPARROW_CHECK(d == 0 || n <= std::numeric_limits<int64_t>::max() / d, "shape ", to_string(shape),
                  " has more elements than fit in 64 bits");
    n *= d;
  }
  return n;
}

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

PartialShape PartialShape::dynamic_rank() {
  PartialShape p;
  p.rank_dynamic_ = true;
  return p;
}

bool PartialShape::is_static() const {
  if (rank_dynamic_) return false;
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

Shape PartialShape::to_shape() const {
  SPARROW_CHECK(is_static(), "shape ", to_string(), " is not static");
  return dims_;
}

bool PartialShape::admits(const Shape& shape) const {
  if (rank_dynamic_) return true;
  if (shape.size() != dims_.size()) return false;
  for (size_t i = 0; i < dims_.size(); ++i)
    if (dims_[i] >= 0 && dims_[i] != shape[i]) return false;
  return true;
}

bool PartialShape::compatible(const PartialShape& other) const {
  if (rank_dynamic_ || other.rank_dynamic_) return true;
  if (dims_.size() != other.dims_.size()) return false;
  for (size_t i = 0; i < dims_.size(); ++i)
    if (dims_[i] >= 0 && other.dims_[i] >= 0 && dims_[i] != other.dims_[i]) return false;
  return true;
}

std::string PartialShape::to_string() const {
  if (rank_dynamic_) return "[...]";
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ",";
    s += dims_[i] < 0 ? "?" : std::to_string(dims_[i]);
  }
  return s + "]";
}

PartialShape PartialShape::parse(const std::string& text) {
  std::string t;
  for (char c : text)
    if (c != ' ' && c != '\t') t += c;
  if (!t.empty() && t.front() == '[') {
    SPARROW_CHECK(t.back() == ']', "shape '", text, "': missing ']'");
    t = t.substr(1, t.size() - 2);
  }
  if (t == "..." ) return dynamic_rank();
  PartialShape p;
  if (t.empty()) return p;
  size_t start = 0;
  while (start <= t.size()) {
    size_t end = t.find(',', start);
    if (end == std::string::npos) end = t.size();
    std::string item = t.substr(start, end - start);
    SPARROW_CHECK(!item.empty(), "shape '", text, "': empty dimension");
    if (item == "?" || item == "-1" || item.find("..") != std::string::npos) {
      p.dims_.push_back(kDynamic);
    } else {
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
      SPARROW_CHECK(ec == std::errc() && ptr == item.data() + item.size(), "shape '", text,
                    "': dimension '", item, "' is not a number");
      SPARROW_CHECK(v >= 0, "shape '", text, "': dimension ", v, " is negative");
      p.dims_.push_back(v);
    }
    start = end + 1;
  }
  return p;
}

}  // namespace sparrow
