// Attention (internal op, made by passes/fuse_attention): one node for a transformer's scaled dot-product
// attention, with the exact arithmetic of the op chain it replaces:
//
//   MatMul(Q, K^T) -> [Multiply or Divide by a scalar c] -> [Add(mask)] -> SoftMax(last axis) -> MatMul(., V)
//
// per batch b and head h, with f32 tensors:
//   s[i][j] = float(sum_d double(q[i][d]) * double(k[j][d]))    as the reference MatMul: double sum, one rounding
//   s[i][j] = s[i][j] * c   or   s[i][j] / c                      f32 ops, as Multiply / Divide
//   s[i][j] = s[i][j] + mask(b, h, i, j)                          f32 add; mask broadcasts numpy-style
//   p[i][j] = float(exp(s - max_j s) / sum_j exp(s - max_j s))    in double, as the reference SoftMax
//   o[i][e] = float(sum_j double(p[i][j]) * double(v[j][e]))
//
// Inputs: q, k, v (rank 4, f32) and an optional mask (f32, rank <= 4, broadcastable to [B, H, Sq, Sk]).
// Layouts: attributes layout_q, layout_k, layout_v and layout_out are permutations of "bhsd" naming the
// logical axis of each stored axis, so the op reads Q, K and V where the projections wrote them
// ([B, S, H, D]: "bshd") and writes the context where the next layer reads it, without the Transposes of
// the original graph. For K, "s" is the key position: a graph that multiplies by K^T stored as [B, H, D, S]
// gives layout_k = "bhds". Attribute scale_mode is none, multiply or divide; scale is the constant c.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace sparrow::graph {

// Sizes and element strides of one Attention evaluation, validated against its inputs.
struct AttentionGeometry {
  size_t B = 0, H = 0, Sq = 0, Sk = 0, D = 0, Dv = 0;
  // Strides of the logical axes (b, h, s, d) in each stored tensor.
  std::array<size_t, 4> q{}, k{}, v{}, out{};
  // Strides of the mask over (b, h, i, j); 0 on broadcast axes. has_mask false: no mask input.
  std::array<size_t, 4> mask{};
  bool has_mask = false;
  Shape out_shape;
  enum class Scale { kNone, kMultiply, kDivide } scale_mode = Scale::kNone;
  float scale = 1.0f;
};

// Checks a layout attribute: a permutation of "bhsd".
void check_attention_layout(const std::string& layout, const char* what);

// The geometry for these input shapes (mask_shape null when there is no mask); throws sparrow::Error
// naming the inconsistent input.
AttentionGeometry attention_geometry(const Node& node, const Shape& q, const Shape& k, const Shape& v,
                                     const Shape* mask_shape);

}  // namespace sparrow::graph
