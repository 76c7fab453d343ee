// Static shapes (every dimension known) and partial shapes (some dimensions, or the rank, unknown).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace sparrow {

using Shape = std::vector<int64_t>;

// Number of elements of a static shape; 1 for a scalar. Throws on overflow.
int64_t shape_size(const Shape& shape);

std::string to_string(const Shape& shape);  // "[1,64,768]"

class PartialShape {
 public:
  static constexpr int64_t kDynamic = -1;

  PartialShape() = default;                       // a scalar: rank 0, static
  PartialShape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  explicit PartialShape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  static PartialShape dynamic_rank();

  bool rank_is_dynamic() const { return rank_dynamic_; }
  bool is_static() const;
  size_t rank() const { return dims_.size(); }  // only meaningful when the rank is known
  int64_t operator[](size_t i) const { return dims_[i]; }
  int64_t& operator[](size_t i) { return dims_[i]; }
  const std::vector<int64_t>& dims() const { return dims_; }
  Shape to_shape() const;  // throws if not static

  // True if `shape` is one of the shapes this partial shape admits.
  bool admits(const Shape& shape) const;
  // True if some shape is admitted by both.
  bool compatible(const PartialShape& other) const;

  // "[?,64,768]", "[...]" for dynamic rank.
  std::string to_string() const;
  // Parses OpenVINO's shape syntax: "1,64", "?,?", "[1,-1]", "1..128" (a range: treated as dynamic), "..." or "?"
  // alone for a dynamic rank. Throws sparrow::Error naming the text on bad input.
  static PartialShape parse(const std::string& text);

  friend bool operator==(const PartialShape& a, const PartialShape& b) {
    return a.rank_dynamic_ == b.rank_dynamic_ && a.dims_ == b.dims_;
  }

 private:
  bool rank_dynamic_ = false;
  std::vector<int64_t> dims_;
};

}  // namespace sparrow
