// Ops made by fusion passes (internal: an IR names them only with version "sparrow"). Their reference
// evaluation repeats the arithmetic of the op chain they replace, rounding where it rounded, so a fused
// graph gives the same floats as the unfused one on the reference ops.
#include <algorithm>
#include <cmath>
#include <limits>

#include "base/thread_pool.h"
#include "graph/op_registry.h"
#include "graph/ops/attention.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph {

using namespace ops;

void check_attention_layout(const std::string& layout, const char* what) {
  std::string sorted = layout;
  std::sort(sorted.begin(), sorted.end());
  SPARROW_CHECK(sorted == "bdhs", "attribute '", what, "': expected a permutation of bhsd, found '", layout, "'");
}

namespace {

// Index in "bhsd" of each stored axis of `layout`.
std::array<size_t, 4> logical_axes(const std::string& layout) {
  std::array<size_t, 4> out{};
  for (size_t i = 0; i < 4; ++i) out[i] = std::string_view("bhsd").find(layout[i]);
  return out;
}

// Logical dims (b, h, s, d) of a stored shape.
std::array<int64_t, 4> logical_dims(const std::vector<int64_t>& stored, const std::string& layout) {
  std::array<int64_t, 4> out{};
  std::array<size_t, 4> axes = logical_axes(layout);
  for (size_t i = 0; i < 4; ++i) out[axes[i]] = stored[i];
  return out;
}

// Element strides of the logical axes in a row-major tensor of that stored shape.
std::array<size_t, 4> logical_strides(const Shape& stored, const std::string& layout) {
  std::array<size_t, 4> out{};
  std::array<size_t, 4> axes = logical_axes(layout);
  size_t stride = 1;
  for (size_t i = 4; i-- > 0;) {
    out[axes[i]] = stride;
    stride *= static_cast<size_t>(stored[i]);
  }
  return out;
}

std::string layout_attr(const Node& node, const char* key) {
  std::string layout = node.attrs.get_string(key, "bhsd");
  check_attention_layout(layout, key);
  return layout;
}

AttentionGeometry::Scale scale_mode(const Node& node) {
  const std::string mode = node.attrs.get_lowercase("scale_mode", "none");
  if (mode == "none") return AttentionGeometry::Scale::kNone;
  if (mode == "multiply") return AttentionGeometry::Scale::kMultiply;
  SPARROW_CHECK(mode == "divide", "attribute 'scale_mode': expected none, multiply or divide, found '", mode, "'");
  return AttentionGeometry::Scale::kDivide;
}

}  // namespace

AttentionGeometry attention_geometry(const Node& node, const Shape& q, const Shape& k, const Shape& v,
                                     const Shape* mask_shape) {
  SPARROW_CHECK(q.size() == 4 && k.size() == 4 && v.size() == 4, "q, k and v must have rank 4, found ",
                to_string(q), ", ", to_string(k), " and ", to_string(v));
  const std::string lq = layout_attr(node, "layout_q"), lk = layout_attr(node, "layout_k"),
                    lv = layout_attr(node, "layout_v"), lo = layout_attr(node, "layout_out");
  auto dq = logical_dims(q, lq), dk = logical_dims(k, lk), dv = logical_dims(v, lv);
  SPARROW_CHECK(dq[0] == dk[0] && dq[0] == dv[0] && dq[1] == dk[1] && dq[1] == dv[1],
                "q, k and v differ in batch or heads: ", to_string(q), ", ", to_string(k), ", ", to_string(v));
  SPARROW_CHECK(dq[3] == dk[3], "q and k differ in head size: ", to_string(q), " vs ", to_string(k));
  SPARROW_CHECK(dk[2] == dv[2], "k and v differ in sequence length: ", to_string(k), " vs ", to_string(v));
  AttentionGeometry g;
  g.B = static_cast<size_t>(dq[0]);
  g.H = static_cast<size_t>(dq[1]);
  g.Sq = static_cast<size_t>(dq[2]);
  g.Sk = static_cast<size_t>(dk[2]);
  g.D = static_cast<size_t>(dq[3]);
  g.Dv = static_cast<size_t>(dv[3]);
  g.q = logical_strides(q, lq);
  g.k = logical_strides(k, lk);
  g.v = logical_strides(v, lv);
  const std::array<int64_t, 4> out_logical = {dq[0], dq[1], dq[2], dv[3]};
  std::array<size_t, 4> axes = logical_axes(lo);
  g.out_shape.resize(4);
  for (size_t i = 0; i < 4; ++i) g.out_shape[i] = out_logical[axes[i]];
  g.out = logical_strides(g.out_shape, lo);
  if (mask_shape) {
    const Shape full = {dq[0], dq[1], dq[2], dk[2]};
    SPARROW_CHECK(mask_shape->size() <= 4 && broadcast_shapes(*mask_shape, full) == full, "mask ",
                  to_string(*mask_shape), " does not broadcast to the scores ", to_string(full));
    std::vector<size_t> s = broadcast_strides(*mask_shape, full);
    std::copy(s.begin(), s.end(), g.mask.begin());
    g.has_mask = true;
  }
  g.scale_mode = scale_mode(node);
  if (g.scale_mode != AttentionGeometry::Scale::kNone) g.scale = static_cast<float>(node.attrs.get_float("scale"));
  return g;
}

namespace {

// sum_k double(a[k]) * double(b[k]) with the reference MatMul's grouping: pairs of products, then the odd one.
double dot_as_matmul(const float* a, size_t a_stride, const float* b, size_t b_stride, size_t n) {
  double acc = 0;
  size_t k = 0;
  for (; k + 2 <= n; k += 2)
    acc += static_cast<double>(a[k * a_stride]) * b[k * b_stride] +
           static_cast<double>(a[(k + 1) * a_stride]) * b[(k + 1) * b_stride];
  for (; k < n; ++k) acc += static_cast<double>(a[k * a_stride]) * b[k * b_stride];
  return acc;
}

OpDef attention() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].type == ElementType::f32 || in[i].type == ElementType::undefined, "input ", i,
                    ": expected f32, found ", to_string(in[i].type));
    const std::string lq = layout_attr(node, "layout_q"), lv = layout_attr(node, "layout_v"),
                      lo = layout_attr(node, "layout_out");
    layout_attr(node, "layout_k");
    scale_mode(node);
    if (in[0].shape.rank_is_dynamic() || in[2].shape.rank_is_dynamic())
      return {{ElementType::f32, PartialShape::dynamic_rank(), {}}};
    SPARROW_CHECK(in[0].shape.rank() == 4 && in[2].shape.rank() == 4, "q and v must have rank 4, found ",
                  in[0].shape.to_string(), " and ", in[2].shape.to_string());
    auto dq = logical_dims(in[0].shape.dims(), lq), dv = logical_dims(in[2].shape.dims(), lv);
    const std::array<int64_t, 4> logical = {dq[0], dq[1], dq[2], dv[3]};
    std::array<size_t, 4> axes = logical_axes(lo);
    std::vector<int64_t> out(4);
    for (size_t i = 0; i < 4; ++i) out[i] = logical[axes[i]];
    return {{ElementType::f32, PartialShape(out), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].element_type() == ElementType::f32, "input ", i, ": expected f32, found ",
                    to_string(in[i].element_type()));
    const Shape* mask_shape = in.size() > 3 ? &in[3].shape() : nullptr;
    const AttentionGeometry g = attention_geometry(node, in[0].shape(), in[1].shape(), in[2].shape(), mask_shape);
    Tensor out = make_tensor(ElementType::f32, g.out_shape);
    const float *q = in[0].data<float>(), *k = in[1].data<float>(), *v = in[2].data<float>();
    const float* mask = g.has_mask ? in[3].data<float>() : nullptr;
    float* o = out.data<float>();
    // Heads shared out among the stream's threads; each is computed the same way on any thread.
    base::parallel_for(g.B * g.H, [&](size_t begin, size_t end) {
      std::vector<float> s(g.Sk);
      for (size_t bh = begin; bh < end; ++bh) {
        const size_t b = bh / g.H, h = bh % g.H;
        const float* qb = q + b * g.q[0] + h * g.q[1];
        const float* kb = k + b * g.k[0] + h * g.k[1];
        const float* vb = v + b * g.v[0] + h * g.v[1];
        for (size_t i = 0; i < g.Sq; ++i) {
          for (size_t j = 0; j < g.Sk; ++j) {
            float x = static_cast<float>(dot_as_matmul(qb + i * g.q[2], g.q[3], kb + j * g.k[2], g.k[3], g.D));
            if (g.scale_mode == AttentionGeometry::Scale::kMultiply) x = x * g.scale;
            if (g.scale_mode == AttentionGeometry::Scale::kDivide) x = x / g.scale;
            if (mask) x = x + mask[b * g.mask[0] + h * g.mask[1] + i * g.mask[2] + j * g.mask[3]];
            s[j] = x;
          }
          double mx = -std::numeric_limits<double>::infinity();
          for (float x : s) mx = std::max(mx, static_cast<double>(x));
          double sum = 0;
          for (float x : s) sum += std::exp(static_cast<double>(x) - mx);
          for (float& x : s) x = static_cast<float>(std::exp(static_cast<double>(x) - mx) / sum);
          float* ob = o + b * g.out[0] + h * g.out[1] + i * g.out[2];
          for (size_t e = 0; e < g.Dv; ++e)
            ob[e * g.out[3]] = static_cast<float>(dot_as_matmul(s.data(), 1, vb + e * g.v[3], g.v[2], g.Sk));
        }
      }
    });
    return {out};
  };
  OpDef def{"Attention", {1}, 3, 4, infer, evaluate};
  def.internal = true;
  return def;
}

// LayerNorm (inputs x, gamma, beta[, residual]; attributes eps, eps_mode): the chain
//   [Add(x, residual)] -> MVN(last axis, normalize_variance) -> Multiply(gamma) -> Add(beta)
// with each step rounded as those ops round: the sum in f32 (numpy broadcasting), mean and variance in double
// and one rounding, then the f32 multiply and add. gamma and beta have one value per element of the last axis.
OpDef layernorm() {
  auto eps_inside = [](const Node& node) {
    const std::string mode = node.attrs.get_lowercase("eps_mode", "");
    SPARROW_CHECK(mode == "inside_sqrt" || mode == "outside_sqrt",
                  "attribute 'eps_mode': expected inside_sqrt or outside_sqrt, found '", mode, "'");
    return mode == "inside_sqrt";
  };
  auto infer = [=](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    eps_inside(node);
    node.attrs.get_float("eps");
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].type == ElementType::f32 || in[i].type == ElementType::undefined, "input ", i,
                    ": expected f32, found ", to_string(in[i].type));
    PartialShape s = in.size() > 3 ? broadcast_shapes(in[0].shape, in[3].shape) : in[0].shape;
    return {{ElementType::f32, s, {}}};
  };
  auto evaluate = [=](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].element_type() == ElementType::f32, "input ", i, ": expected f32, found ",
                    to_string(in[i].element_type()));
    const bool inside = eps_inside(node);
    const double eps = node.attrs.get_float("eps");
    Tensor sum = in[0];
    if (in.size() > 3) {
      const Shape shape = broadcast_shapes(in[0].shape(), in[3].shape());
      sum = make_tensor(ElementType::f32, shape);
      float* dst = sum.data<float>();
      const float *a = in[0].data<float>(), *b = in[3].data<float>();
      for_each_broadcast<2>(shape, {broadcast_strides(in[0].shape(), shape), broadcast_strides(in[3].shape(), shape)},
                            [&](size_t o, const std::array<size_t, 2>& off) { dst[o] = a[off[0]] + b[off[1]]; });
    }
    const Shape& shape = sum.shape();
    SPARROW_CHECK(!shape.empty(), "the input must have rank >= 1");
    const size_t n = static_cast<size_t>(shape.back());
    for (size_t i = 1; i < 3; ++i)
      SPARROW_CHECK(in[i].size() == n, "input ", i, ": expected ", n, " values (the last axis), found ",
                    to_string(in[i].shape()));
    Tensor out = make_tensor(ElementType::f32, shape);
    if (n == 0) return {out};
    const float *x = sum.data<float>(), *gamma = in[1].data<float>(), *beta = in[2].data<float>();
    float* y = out.data<float>();
    base::parallel_for(sum.size() / n, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r) {
        const float* xr = x + r * n;
        float* yr = y + r * n;
        double mean = 0, var = 0;
        for (size_t i = 0; i < n; ++i) mean += static_cast<double>(xr[i]);
        mean /= static_cast<double>(n);
        for (size_t i = 0; i < n; ++i) {
          const double d = static_cast<double>(xr[i]) - mean;
          var += d * d;
        }
        var /= static_cast<double>(n);
        const double denom = inside ? std::sqrt(var + eps) : std::sqrt(var) + eps;
        for (size_t i = 0; i < n; ++i) {
          const float t = static_cast<float>((static_cast<double>(xr[i]) - mean) / denom);
          const float scaled = t * gamma[i];  // two f32 roundings, as Multiply then Add
          yr[i] = scaled + beta[i];
        }
      }
    }, 4);
    return {out};
  };
  OpDef def{"LayerNorm", {1}, 3, 4, infer, evaluate};
  def.internal = true;
  return def;
}

// EmbeddingSum (inputs table_0, indices_0, table_1, indices_1, ...; attribute negative_indices): the chain
//   Add(...Add(Gather(table_0, indices_0), Gather(table_1, indices_1))..., Gather(table_n, indices_n))
// of f32 tables [V, H] gathered on axis 0, summed in f32 in that order with numpy broadcasting of the index
// shapes. Indices are checked as Gather checks them (negative ones count from the end when
// negative_indices, as Gather-8 does); one out of range is an error naming it.
OpDef embedding_sum() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in.size() % 2 == 0, "expected (table, indices) pairs, found ", in.size(), " inputs");
    PartialShape idx = in[1].shape;
    int64_t H = -1;
    for (size_t t = 0; t < in.size(); t += 2) {
      SPARROW_CHECK(in[t].type == ElementType::f32 || in[t].type == ElementType::undefined, "input ", t,
                    ": expected an f32 table, found ", to_string(in[t].type));
      check_integral(in[t + 1].type, "indices");
      if (!in[t].shape.rank_is_dynamic()) {
        SPARROW_CHECK(in[t].shape.rank() == 2, "input ", t, ": expected a [V, H] table, found ", in[t].shape.to_string());
        H = in[t].shape.dims()[1];
      }
      if (t) idx = broadcast_shapes(idx, in[t + 1].shape);
    }
    if (idx.rank_is_dynamic()) return {{ElementType::f32, PartialShape::dynamic_rank(), {}}};
    std::vector<int64_t> dims = idx.dims();
    dims.push_back(H);
    return {{ElementType::f32, PartialShape(dims), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    const bool negative_ok = node.attrs.get_bool("negative_indices", false);
    const size_t terms = in.size() / 2;
    Shape idx_shape = in[1].shape();
    for (size_t t = 0; t < terms; ++t) {
      SPARROW_CHECK(in[2 * t].element_type() == ElementType::f32 && in[2 * t].shape().size() == 2, "input ", 2 * t,
                    ": expected an f32 [V, H] table, found ", to_string(in[2 * t].element_type()), " ",
                    to_string(in[2 * t].shape()));
      SPARROW_CHECK(in[2 * t].shape()[1] == in[0].shape()[1], "tables differ in width: ", to_string(in[0].shape()),
                    " vs ", to_string(in[2 * t].shape()));
      if (t) idx_shape = broadcast_shapes(idx_shape, in[2 * t + 1].shape());
    }
    const size_t H = static_cast<size_t>(in[0].shape()[1]);
    std::vector<std::vector<int64_t>> indices(terms);
    std::vector<std::vector<size_t>> strides(terms);
    for (size_t t = 0; t < terms; ++t) {
      const Tensor& table = in[2 * t];
      const int64_t V = table.shape()[0];
      indices[t] = read_ints(in[2 * t + 1], "indices");
      for (size_t j = 0; j < indices[t].size(); ++j) {
        int64_t& k = indices[t][j];
        const int64_t given = k;
        if (negative_ok && k < 0 && k >= -V) k += V;
        if (k < 0 || k >= V)
          fail("index ", given, " (position ", j, " of indices ", to_string(in[2 * t + 1].shape()),
               ") is out of range [", negative_ok ? -V : 0, ", ", V - 1, "] for table ", to_string(table.shape()));
      }
      strides[t] = broadcast_strides(in[2 * t + 1].shape(), idx_shape);
    }
    Shape out_shape = idx_shape;
    out_shape.push_back(static_cast<int64_t>(H));
    Tensor out = make_tensor(ElementType::f32, out_shape);
    const size_t positions = checked_size(idx_shape);
    float* dst = out.data<float>();
    std::vector<size_t> offset(terms);
    for (size_t p = 0; p < positions; ++p) {
      // The flat index of this position in each (broadcast) indices tensor.
      float* row = dst + p * H;
      size_t rest = p;
      std::fill(offset.begin(), offset.end(), 0);
      for (size_t d = idx_shape.size(); d-- > 0;) {
        const size_t extent = static_cast<size_t>(idx_shape[d]), i = rest % extent;
        rest /= extent;
        for (size_t t = 0; t < terms; ++t) offset[t] += i * strides[t][d];
      }
      const float* first = in[0].data<float>() + static_cast<size_t>(indices[0][offset[0]]) * H;
      std::copy(first, first + H, row);
      for (size_t t = 1; t < terms; ++t) {
        const float* src = in[2 * t].data<float>() + static_cast<size_t>(indices[t][offset[t]]) * H;
        for (size_t h = 0; h < H; ++h) row[h] = row[h] + src[h];
      }
    }
    return {out};
  };
  OpDef def{"EmbeddingSum", {1}, 4, 64, infer, evaluate};
  def.internal = true;
  return def;
}

}  // namespace

void register_fused_ops(OpRegistry& r) {
  r.add(attention());
  r.add(layernorm());
  r.add(embedding_sum());
}

}  // namespace sparrow::graph
