#include "graph/weights.h"

#include <algorithm>
#include <cstring>

#include "sparrow/error.h"

namespace sparrow::graph {

const Node* weight_constant(const Node& matmul) {
  if (matmul.inputs.size() < 2) return nullptr;
  const Node* n = matmul.inputs[1].node;
  for (int depth = 0; depth < 8 && n; ++depth) {
    if (n->type == "Const") return n->value.shape().size() >= 2 ? n : nullptr;
    if (n->type == "Convert" || n->type == "Subtract" || n->type == "Multiply" || n->type == "FakeQuantize" ||
        n->type == "Transpose" || n->type == "Reshape")
      n = n->inputs.empty() ? nullptr : n->inputs[0].node;
    else
      return nullptr;
  }
  return nullptr;
}

double zero_fraction(const Tensor& t) {
  if (t.size() == 0) return 0.0;
  size_t zeros = 0;
  const auto* bytes = static_cast<const uint8_t*>(t.data());
  switch (t.element_type()) {
    case ElementType::f32:
      for (size_t i = 0; i < t.size(); ++i) {
        float v;
        std::memcpy(&v, bytes + 4 * i, 4);
        zeros += v == 0.0f;
      }
      break;
    case ElementType::f16:
    case ElementType::bf16:
      for (size_t i = 0; i < t.size(); ++i) {
        uint16_t v;
        std::memcpy(&v, bytes + 2 * i, 2);
        zeros += (v & 0x7fff) == 0;
      }
      break;
    case ElementType::i8:
    case ElementType::u8:
      for (size_t i = 0; i < t.size(); ++i) zeros += bytes[i] == 0;
      break;
    default: {
      size_t width = bit_width(t.element_type()) / 8;
      if (width == 0) return 0.0;
      for (size_t i = 0; i < t.size(); ++i) {
        bool zero = true;
        for (size_t b = 0; b < width; ++b) zero &= bytes[i * width + b] == 0;
        zeros += zero;
      }
    }
  }
  return static_cast<double>(zeros) / static_cast<double>(t.size());
}

double zero_group_fraction(const Tensor& nk, size_t group) {
  SPARROW_CHECK(nk.element_type() == ElementType::i8 && nk.shape().size() == 2 && group > 0,
                "zero_group_fraction: expected an i8 [N, K] matrix and a group size, found ",
                to_string(nk.element_type()), " ", to_string(nk.shape()));
  const size_t N = static_cast<size_t>(nk.shape()[0]), K = static_cast<size_t>(nk.shape()[1]);
  if (N == 0 || K == 0) return 0.0;
  const int8_t* w = nk.data<int8_t>();
  size_t groups = 0, zero = 0;
  for (size_t n = 0; n < N; ++n) {
    for (size_t k0 = 0; k0 < K; k0 += group) {
      bool all_zero = true;
      for (size_t k = k0; k < std::min(K, k0 + group); ++k) all_zero = all_zero && w[n * K + k] == 0;
      zero += all_zero;
      ++groups;
    }
  }
  return static_cast<double>(zero) / static_cast<double>(groups);
}

}  // namespace sparrow::graph
