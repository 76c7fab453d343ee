// Test support for the reference ops: builds a one-op graph (constant or parameter inputs), runs infer_node
// and evaluate_node, and converts between std::vector and Tensor.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::graph::test {

template <typename T>
constexpr ElementType type_of() {
  if constexpr (std::is_same_v<T, float>) return ElementType::f32;
  if constexpr (std::is_same_v<T, double>) return ElementType::f64;
  if constexpr (std::is_same_v<T, int8_t>) return ElementType::i8;
  if constexpr (std::is_same_v<T, int16_t>) return ElementType::i16;
  if constexpr (std::is_same_v<T, int32_t>) return ElementType::i32;
  if constexpr (std::is_same_v<T, int64_t>) return ElementType::i64;
  if constexpr (std::is_same_v<T, uint8_t>) return ElementType::u8;
  if constexpr (std::is_same_v<T, uint16_t>) return ElementType::u16;
  if constexpr (std::is_same_v<T, uint32_t>) return ElementType::u32;
  if constexpr (std::is_same_v<T, uint64_t>) return ElementType::u64;
  return ElementType::undefined;
}

// A tensor holding `values` (one per element; raw storage of type T).
template <typename T>
Tensor make(Shape shape, const std::vector<T>& values, ElementType type = type_of<T>()) {
  Tensor t(type, std::move(shape));
  EXPECT_EQ(t.byte_size(), values.size() * sizeof(T)) << "test tensor size mismatch";
  if (!values.empty() && t.byte_size() == values.size() * sizeof(T))
    std::memcpy(t.data(), values.data(), values.size() * sizeof(T));
  return t;
}

inline Tensor f32(Shape shape, const std::vector<float>& v) {
  return make<float>(std::move(shape), v);
}
// 0, 1, 2, ... as floats, and an f32 tensor of that shape holding them.
inline std::vector<float> iota_f(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i);
  return v;
}
inline Tensor iota_tensor(Shape shape) {
  size_t n = static_cast<size_t>(shape_size(shape));
  return f32(std::move(shape), iota_f(n));
}
inline Tensor i64(Shape shape, const std::vector<int64_t>& v) {
  return make<int64_t>(std::move(shape), v);
}
inline Tensor i32(Shape shape, const std::vector<int32_t>& v) {
  return make<int32_t>(std::move(shape), v);
}
inline Tensor boolean(Shape shape, const std::vector<uint8_t>& v) {
  return make<uint8_t>(std::move(shape), v, ElementType::boolean);
}
inline Tensor scalar_i64(int64_t v) {
  return i64({}, {v});
}
inline Tensor vec_i64(const std::vector<int64_t>& v) {
  return i64({static_cast<int64_t>(v.size())}, v);
}

template <typename T>
std::vector<T> values(const Tensor& t) {
  std::vector<T> out(t.byte_size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), t.data(), out.size() * sizeof(T));
  return out;
}

// One node of `type` under test. Inputs are added in order, as constants (known values, used by both infer
// and evaluate) or parameters (type and partial shape only, for infer).
class OpTest {
 public:
  explicit OpTest(std::string type, int version = 1, size_t num_outputs = 1)
      : type_(std::move(type)), version_(version), num_outputs_(num_outputs) {}

  OpTest& attr(const std::string& key, const std::string& value) {
    attrs_.set(key, value);
    return *this;
  }
  OpTest& input(Tensor t) {
    edges_.push_back({graph_.add_constant("c" + std::to_string(edges_.size()), t), 0});
    tensors_.push_back(std::move(t));
    return *this;
  }
  OpTest& param(ElementType type, PartialShape shape) {
    edges_.push_back({graph_.add_parameter("p" + std::to_string(edges_.size()), type, std::move(shape)), 0});
    tensors_.emplace_back();
    return *this;
  }

  Node& node() {
    if (!node_) {
      node_ = graph_.add_node(type_, version_, "op", edges_, num_outputs_);
      node_->attrs = attrs_;
    }
    return *node_;
  }
  std::vector<OutputPort> infer() { return infer_node(node()); }
  OutputPort infer1() {
    auto ports = infer();
    EXPECT_EQ(ports.size(), 1u);
    return ports.at(0);
  }
  std::vector<Tensor> eval() { return evaluate_node(node(), tensors_); }
  Tensor eval1() {
    auto outs = eval();
    EXPECT_EQ(outs.size(), 1u);
    return outs.at(0);
  }

 private:
  Graph graph_;
  std::string type_;
  int version_;
  size_t num_outputs_;
  Attributes attrs_;
  std::vector<Edge> edges_;
  std::vector<Tensor> tensors_;
  Node* node_ = nullptr;
};

// Expects fn to throw sparrow::Error whose message contains every one of `parts`.
inline void expect_error(const std::function<void()>& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "expected sparrow::Error containing '" << (parts.empty() ? "" : parts[0]) << "'";
  } catch (const Error& e) {
    std::string msg = e.what();
    for (const std::string& p : parts)
      EXPECT_NE(msg.find(p), std::string::npos) << "message: " << msg << "\nmissing: " << p;
  }
}

}  // namespace sparrow::graph::test
