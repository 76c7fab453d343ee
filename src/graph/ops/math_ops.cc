// Math ops: MatMul, SoftMax, LogSoftmax, MVN and the Reduce family. Float results accumulate in double and
// round once; f16/bf16 inputs are computed through f32.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <type_traits>

#include "base/thread_pool.h"
#include "graph/op_registry.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph {
namespace {

using namespace ops;

// Runs f on an f32 copy of half-precision inputs and rounds the result back; other types pass through.
template <class F>
Tensor through_f32(const Tensor& in, F f) {
  if (!is_half(in.element_type())) return f(in);
  return from_f32(f(to_f32(in)), in.element_type());
}

// ---- MatMul
// ------------------------------------------------------------------------------------------------

struct MatMulDims {
  bool a_vector, b_vector;
  bool ta, tb;
};

MatMulDims matmul_dims(const Node& node, size_t a_rank, size_t b_rank) {
  SPARROW_CHECK(a_rank > 0 && b_rank > 0, "MatMul inputs must have rank >= 1, found ranks ", a_rank, " and ",
                b_rank);
  // transpose_a/b are ignored for 1-D operands, as the spec says.
  return {a_rank == 1, b_rank == 1, a_rank > 1 && node.attrs.get_bool("transpose_a", false),
          b_rank > 1 && node.attrs.get_bool("transpose_b", false)};
}

// Output shape: broadcast batch + [M] (unless a is 1-D) + [N] (unless b is 1-D).
PartialShape matmul_shape(const Node& node, const PartialShape& a, const PartialShape& b) {
  if (a.rank_is_dynamic() || b.rank_is_dynamic()) return PartialShape::dynamic_rank();
  MatMulDims m = matmul_dims(node, a.rank(), b.rank());
  std::vector<int64_t> ad = a.dims(), bd = b.dims();
  if (m.a_vector) ad.insert(ad.begin(), 1);
  if (m.b_vector) bd.push_back(1);
  if (m.ta) std::swap(ad[ad.size() - 1], ad[ad.size() - 2]);
  if (m.tb) std::swap(bd[bd.size() - 1], bd[bd.size() - 2]);
  int64_t ka = ad.back(), kb = bd[bd.size() - 2];
  SPARROW_CHECK(ka < 0 || kb < 0 || ka == kb, "MatMul inner dimensions differ: ", a.to_string(),
                m.ta ? " (transposed)" : "", " x ", b.to_string(), m.tb ? " (transposed)" : "",
                " gives K = ", ka, " vs ", kb);
  PartialShape batch = broadcast_shapes(PartialShape(std::vector<int64_t>(ad.begin(), ad.end() - 2)),
                                        PartialShape(std::vector<int64_t>(bd.begin(), bd.end() - 2)));
  std::vector<int64_t> out = batch.dims();
  if (!m.a_vector) out.push_back(ad[ad.size() - 2]);
  if (!m.b_vector) out.push_back(bd.back());
  return PartialShape(out);
}

// Copies every matrix of `t` (shape [..., R, C]) into a contiguous [batch][rows][cols] buffer, transposed
// when asked so that the result is [batch][C][R].
template <typename T>
std::vector<T> pack_matrices(const T* src, size_t batch, size_t rows, size_t cols, bool transpose) {
  std::vector<T> out(batch * rows * cols);
  for (size_t b = 0; b < batch; ++b) {
    const T* s = src + b * rows * cols;
    T* d = out.data() + b * rows * cols;
    if (!transpose) {
      std::copy(s, s + rows * cols, d);
    } else {
      for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c) d[c * rows + r] = s[r * cols + c];
    }
  }
  return out;
}

template <typename T>
Tensor matmul_typed(const Node& node, const Tensor& a, const Tensor& b) {
  MatMulDims m = matmul_dims(node, a.shape().size(), b.shape().size());
  Shape ad = a.shape(), bd = b.shape();
  if (m.a_vector) ad.insert(ad.begin(), 1);
  if (m.b_vector) bd.push_back(1);
  // Stored (untransposed) matrix sizes.
  size_t a_rows = ad[ad.size() - 2], a_cols = ad.back(), b_rows = bd[bd.size() - 2], b_cols = bd.back();
  size_t M = m.ta ? a_cols : a_rows, K = m.ta ? a_rows : a_cols;
  size_t Kb = m.tb ? b_cols : b_rows, N = m.tb ? b_rows : b_cols;
  SPARROW_CHECK(K == Kb, "MatMul inner dimensions differ: ", to_string(a.shape()),
                m.ta ? " (transposed)" : "", " x ", to_string(b.shape()), m.tb ? " (transposed)" : "",
                " gives K = ", K, " vs ", Kb);
  Shape a_batch(ad.begin(), ad.end() - 2), b_batch(bd.begin(), bd.end() - 2);
  Shape batch = broadcast_shapes(a_batch, b_batch);
  Shape out_shape = batch;
  if (!m.a_vector) out_shape.push_back(static_cast<int64_t>(M));
  if (!m.b_vector) out_shape.push_back(static_cast<int64_t>(N));
  Tensor out = make_tensor(a.element_type(), out_shape);
  if (out.size() == 0) return out;

  // Pack A as [batch][M][K] and B as [batch][K][N] so the inner loop runs over contiguous rows of B.
  size_t na = checked_size(a_batch), nb = checked_size(b_batch);
  std::vector<T> pa = pack_matrices(a.data<T>(), na, a_rows, a_cols, m.ta);
  std::vector<T> pb = pack_matrices(b.data<T>(), nb, b_rows, b_cols, m.tb);
  Shape a_aligned(batch.size() - a_batch.size(), 1), b_aligned(batch.size() - b_batch.size(), 1);
  a_aligned.insert(a_aligned.end(), a_batch.begin(), a_batch.end());
  b_aligned.insert(b_aligned.end(), b_batch.begin(), b_batch.end());
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, std::make_unsigned_t<int64_t>>;
  T* po = out.data<T>();
  // Columns in tiles so the accumulators stay in L1 while rows of B stream past.
  constexpr size_t kTile = 512;
  auto multiply = [&](size_t o, const std::array<size_t, 2>& off, size_t i_begin, size_t i_end, Acc* acc) {
    const T* A = pa.data() + off[0] * M * K;
    const T* B = pb.data() + off[1] * K * N;
    T* C = po + o * M * N;
    for (size_t j0 = 0; j0 < N; j0 += kTile) {
      size_t nj = std::min(kTile, N - j0);
      for (size_t i = i_begin; i < i_end; ++i) {
        std::fill(acc, acc + nj, Acc{0});
        const T* arow = A + i * K;
        size_t k = 0;
        for (; k + 2 <= K; k += 2) {
          Acc x0 = static_cast<Acc>(arow[k]), x1 = static_cast<Acc>(arow[k + 1]);
          const T* b0 = B + k * N + j0;
          const T* b1 = b0 + N;
          for (size_t j = 0; j < nj; ++j) acc[j] += x0 * static_cast<Acc>(b0[j]) + x1 * static_cast<Acc>(b1[j]);
        }
        for (; k < K; ++k) {
          Acc x = static_cast<Acc>(arow[k]);
          const T* b0 = B + k * N + j0;
          for (size_t j = 0; j < nj; ++j) acc[j] += x * static_cast<Acc>(b0[j]);
        }
        for (size_t j = 0; j < nj; ++j) C[i * N + j0 + j] = static_cast<T>(acc[j]);
      }
    }
  };
  // Every output matrix with the offsets of its operands, then all their rows shared out among the stream's
  // threads; each row is computed the same way whichever thread takes it.
  std::vector<std::pair<size_t, std::array<size_t, 2>>> matrices;
  if (batch.empty()) {
    matrices.push_back({0, {0, 0}});
  } else {
    for_each_broadcast<2>(batch, {broadcast_strides(a_aligned, batch), broadcast_strides(b_aligned, batch)},
                          [&](size_t o, const std::array<size_t, 2>& off) { matrices.push_back({o, off}); });
  }
  base::parallel_for(matrices.size() * M, [&](size_t begin, size_t end) {
    std::vector<Acc> acc(std::min(kTile, N));
    for (size_t row = begin; row < end;) {
      size_t m = row / M, i = row % M, i_end = std::min(M, i + (end - row));
      multiply(matrices[m].first, matrices[m].second, i, i_end, acc.data());
      row += i_end - i;
    }
  });
  return out;
}

OpDef matmul() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type == in[1].type, "MatMul inputs differ in type: ", to_string(in[0].type), " vs ",
                  to_string(in[1].type));
    return {{in[0].type, matmul_shape(node, in[0].shape, in[1].shape), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    ElementType type = in[0].element_type();
    SPARROW_CHECK(in[1].element_type() == type, "MatMul inputs differ in type: ", to_string(type), " vs ",
                  to_string(in[1].element_type()));
    if (is_half(type)) return {from_f32(matmul_typed<float>(node, to_f32(in[0]), to_f32(in[1])), type)};
    return {dispatch_numeric(type, "MatMul",
                             [&](auto tag) { return matmul_typed<decltype(tag)>(node, in[0], in[1]); })};
  };
  return {"MatMul", {1}, 2, 2, infer, evaluate};
}

// ---- SoftMax / LogSoftmax
// ----------------------------------------------------------------------------------

int64_t softmax_axis(const Node& node, int64_t rank) {
  int64_t axis = node.attrs.get_int("axis", 1);
  if (node.type == "SoftMax" && node.version < 8)
    SPARROW_CHECK(axis >= 0 && axis < rank, "attribute 'axis' (", axis, ") must lie in [0, ", rank - 1,
                  "] for SoftMax-1 on rank ", rank);
  return normalize_axis(axis, rank, "attribute 'axis'");
}

Tensor softmax_eval(const Node& node, const Tensor& x, bool log) {
  check_float(x.element_type(), "input");
  return through_f32(x, [&](const Tensor& in) {
    return dispatch_numeric(in.element_type(), node.type, [&](auto tag) -> Tensor {
      using T = decltype(tag);
      if constexpr (!std::is_floating_point_v<T>) {
        fail("expected a floating-point input");
      } else {
        const Shape& s = in.shape();
        SPARROW_CHECK(!s.empty(), node.type, " needs an input of rank >= 1");
        int64_t axis = softmax_axis(node, static_cast<int64_t>(s.size()));
        size_t outer = 1, inner = 1, len = static_cast<size_t>(s[axis]);
        for (int64_t d = 0; d < axis; ++d) outer *= s[d];
        for (size_t d = axis + 1; d < s.size(); ++d) inner *= s[d];
        Tensor out = make_tensor(in.element_type(), s);
        const T* src = in.data<T>();
        T* dst = out.data<T>();
        // Rows shared out among the stream's threads; each row is computed the same way on any thread.
        base::parallel_for(outer * inner, [&](size_t row_begin, size_t row_end) {
          for (size_t row = row_begin; row < row_end; ++row) {
            size_t o = row / inner, i = row % inner;
            size_t base = o * len * inner + i;
            double mx = -std::numeric_limits<double>::infinity();
            for (size_t k = 0; k < len; ++k) mx = std::max(mx, static_cast<double>(src[base + k * inner]));
            double sum = 0;
            for (size_t k = 0; k < len; ++k) sum += std::exp(static_cast<double>(src[base + k * inner]) - mx);
            for (size_t k = 0; k < len; ++k) {
              double v = static_cast<double>(src[base + k * inner]) - mx;
              dst[base + k * inner] = static_cast<T>(log ? v - std::log(sum) : std::exp(v) / sum);
            }
          }
        }, 16);
        return out;
      }
    });
  });
}

OpDef softmax(std::string type, std::vector<int> versions, bool log) {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type == ElementType::undefined || is_float(in[0].type),
                  "expected a floating-point input, found ", to_string(in[0].type));
    if (!in[0].shape.rank_is_dynamic()) softmax_axis(node, static_cast<int64_t>(in[0].shape.rank()));
    return {{in[0].type, in[0].shape, {}}};
  };
  auto evaluate = [log](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    return {softmax_eval(node, in[0], log)};
  };
  return {std::move(type), std::move(versions), 1, 1, infer, evaluate};
}

// ---- reductions over axes (MVN, Reduce*)
// -------------------------------------------------------------------

// For each element of `shape`, the flat index of its group: its coordinates on the kept (non-reduced) axes.
struct Groups {
  std::vector<size_t> of;
  size_t count = 1;
};

Groups make_groups(const Shape& shape, const std::vector<bool>& reduced) {
  std::vector<size_t> kstride(shape.size(), 0);
  Groups g;
  for (size_t d = shape.size(); d-- > 0;) {
    if (reduced[d]) continue;
    kstride[d] = g.count;
    g.count *= static_cast<size_t>(shape[d]);
  }
  g.of.resize(checked_size(shape));
  for_each_broadcast<1>(shape, {kstride},
                        [&](size_t o, const std::array<size_t, 1>& off) { g.of[o] = off[0]; });
  return g;
}

std::vector<bool> axes_mask(const std::vector<int64_t>& axes, size_t rank, std::string_view what) {
  std::vector<bool> mask(rank, false);
  for (int64_t a : normalize_axes(axes, static_cast<int64_t>(rank), what, false)) mask[a] = true;
  return mask;
}

// ---- MVN
// ---------------------------------------------------------------------------------------------------

struct MvnParams {
  bool normalize_variance;
  double eps;
  bool eps_inside;
};

MvnParams mvn_params(const Node& node) {
  MvnParams p;
  p.normalize_variance = node.attrs.get_bool("normalize_variance", node.version < 6);
  p.eps = node.attrs.get_float("eps");
  if (node.version >= 6) {
    std::string mode = node.attrs.get_lowercase("eps_mode", "");
    SPARROW_CHECK(mode == "inside_sqrt" || mode == "outside_sqrt",
                  "attribute 'eps_mode': expected inside_sqrt or outside_sqrt, found '", mode, "'");
    p.eps_inside = mode == "inside_sqrt";
  } else {
    p.eps_inside = true;  // MVN-1's formula: o / sqrt(variance + eps)
  }
  return p;
}

// MVN-1's reduction axes: reduction_axes when given, else [1..r) across channels or [2..r) per channel.
std::vector<int64_t> mvn1_axes(const Node& node, int64_t rank) {
  if (node.attrs.has("reduction_axes")) return node.attrs.get_ints("reduction_axes");
  bool across = node.attrs.get_bool("across_channels", false);
  std::vector<int64_t> axes;
  for (int64_t d = across ? 1 : 2; d < rank; ++d) axes.push_back(d);
  return axes;
}

template <typename T>
Tensor mvn_typed(const Tensor& in, const std::vector<bool>& reduced, const MvnParams& p) {
  const Shape& s = in.shape();
  Groups g = make_groups(s, reduced);
  size_t n = in.size();
  size_t group_size = g.count ? n / g.count : 0;
  const T* x = in.data<T>();
  std::vector<double> mean(g.count, 0.0), var(g.count, 0.0);
  for (size_t i = 0; i < n; ++i) mean[g.of[i]] += static_cast<double>(x[i]);
  for (double& m : mean) m /= static_cast<double>(group_size);
  if (p.normalize_variance) {
    for (size_t i = 0; i < n; ++i) {
      double d = static_cast<double>(x[i]) - mean[g.of[i]];
      var[g.of[i]] += d * d;
    }
    for (double& v : var) {
      v /= static_cast<double>(group_size);
      v = p.eps_inside ? std::sqrt(v + p.eps) : std::sqrt(v) + p.eps;
    }
  }
  Tensor out = make_tensor(in.element_type(), s);
  T* o = out.data<T>();
  for (size_t i = 0; i < n; ++i) {
    double d = static_cast<double>(x[i]) - mean[g.of[i]];
    o[i] = static_cast<T>(p.normalize_variance ? d / var[g.of[i]] : d);
  }
  return out;
}

OpDef mvn() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type == ElementType::undefined || is_float(in[0].type),
                  "expected a floating-point input, found ", to_string(in[0].type));
    SPARROW_CHECK(node.version >= 6 ? in.size() == 2 : in.size() == 1, "MVN-", node.version, " takes ",
                  node.version >= 6 ? 2 : 1, " inputs, found ", in.size());
    mvn_params(node);
    const PartialShape& s = in[0].shape;
    if (!s.rank_is_dynamic()) {
      int64_t rank = static_cast<int64_t>(s.rank());
      if (node.version >= 6) {
        check_integral(in[1].type, "input 1 (axes)");
        if (auto axes = constant_ints(in[1], "input 1 (axes)")) axes_mask(*axes, rank, "input 1 (axes)");
      } else {
        axes_mask(mvn1_axes(node, rank), rank, "attribute 'reduction_axes'");
      }
    }
    return {{in[0].type, s, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    check_float(in[0].element_type(), "input 0");
    SPARROW_CHECK(node.version >= 6 ? in.size() == 2 : in.size() == 1, "MVN-", node.version, " takes ",
                  node.version >= 6 ? 2 : 1, " inputs, found ", in.size());
    MvnParams p = mvn_params(node);
    size_t rank = in[0].shape().size();
    std::vector<bool> reduced =
        node.version >= 6
            ? axes_mask(read_ints(in[1], "input 1 (axes)"), rank, "input 1 (axes)")
            : axes_mask(mvn1_axes(node, static_cast<int64_t>(rank)), rank, "attribute 'reduction_axes'");
    return {through_f32(in[0], [&](const Tensor& x) {
      if (x.element_type() == ElementType::f64) return mvn_typed<double>(x, reduced, p);
      return mvn_typed<float>(x, reduced, p);
    })};
  };
  return {"MVN", {1, 6}, 1, 2, infer, evaluate};
}

// ---- Reduce*
// -----------------------------------------------------------------------------------------------

enum class Reduce { kMean, kSum, kMax, kMin, kProd };

PartialShape reduced_shape(const PartialShape& in, const std::vector<bool>& reduced, bool keep_dims) {
  std::vector<int64_t> out;
  for (size_t d = 0; d < in.rank(); ++d) {
    if (!reduced[d])
      out.push_back(in[d]);
    else if (keep_dims)
      out.push_back(1);
  }
  return PartialShape(out);
}

template <typename T>
Tensor reduce_typed(Reduce op, const Tensor& in, const std::vector<bool>& reduced, const Shape& out_shape) {
  Groups g = make_groups(in.shape(), reduced);
  size_t n = in.size();
  size_t group_size = g.count ? n / g.count : 0;
  Tensor out = make_tensor(in.element_type(), out_shape);
  if (g.count == 0) return out;
  SPARROW_CHECK(group_size > 0 || (op != Reduce::kMax && op != Reduce::kMin),
                "cannot take the maximum or minimum over an empty dimension");
  const T* x = in.data<T>();
  T* o = out.data<T>();
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  using Wrap = std::make_unsigned_t<int64_t>;
  std::vector<Acc> acc(g.count, op == Reduce::kProd ? Acc{1} : Acc{0});
  std::vector<bool> seen(g.count, false);
  for (size_t i = 0; i < n; ++i) {
    Acc v = static_cast<Acc>(x[i]);
    Acc& a = acc[g.of[i]];
    switch (op) {
      case Reduce::kMean:
      case Reduce::kSum:
        if constexpr (std::is_floating_point_v<T>)
          a += v;
        else
          a = static_cast<Acc>(static_cast<Wrap>(a) + static_cast<Wrap>(v));
        break;
      case Reduce::kProd:
        if constexpr (std::is_floating_point_v<T>)
          a *= v;
        else
          a = static_cast<Acc>(static_cast<Wrap>(a) * static_cast<Wrap>(v));
        break;
      case Reduce::kMax:
        a = seen[g.of[i]] ? std::max(a, v) : v;
        break;
      case Reduce::kMin:
        a = seen[g.of[i]] ? std::min(a, v) : v;
        break;
    }
    seen[g.of[i]] = true;
  }
  for (size_t k = 0; k < g.count; ++k) {
    Acc a = acc[k];
    if (op == Reduce::kMean) {
      if constexpr (std::is_floating_point_v<T>) {
        a /= static_cast<double>(group_size);
      } else {
        SPARROW_CHECK(group_size > 0, "cannot take the mean of an empty dimension of an integer tensor");
        a /= static_cast<int64_t>(group_size);
      }
    }
    o[k] = static_cast<T>(a);
  }
  return out;
}

OpDef reduce(std::string type, Reduce op) {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type != ElementType::boolean, "boolean input is not supported");
    check_integral(in[1].type, "input 1 (axes)");
    check_rank_at_most_1(in[1].shape, "input 1 (axes)");
    bool keep_dims = node.attrs.get_bool("keep_dims", false);
    const PartialShape& s = in[0].shape;
    if (s.rank_is_dynamic()) return {{in[0].type, s, {}}};
    auto axes = constant_ints(in[1], "input 1 (axes)");
    if (!axes) {
      if (keep_dims) return {{in[0].type, PartialShape(std::vector<int64_t>(s.rank(), -1)), {}}};
      return {{in[0].type, PartialShape::dynamic_rank(), {}}};
    }
    return {{in[0].type, reduced_shape(s, axes_mask(*axes, s.rank(), "input 1 (axes)"), keep_dims), {}}};
  };
  auto evaluate = [op](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    bool keep_dims = node.attrs.get_bool("keep_dims", false);
    const Shape& s = in[0].shape();
    std::vector<bool> reduced = axes_mask(read_ints(in[1], "input 1 (axes)"), s.size(), "input 1 (axes)");
    Shape out_shape = reduced_shape(PartialShape(s), reduced, keep_dims).to_shape();
    Tensor x = in[0];
    ElementType type = x.element_type();
    if (is_half(type)) x = to_f32(x);
    Tensor r = dispatch_numeric(x.element_type(), node.type, [&](auto tag) {
      return reduce_typed<decltype(tag)>(op, x, reduced, out_shape);
    });
    return {is_half(type) ? from_f32(r, type) : r};
  };
  return {std::move(type), {1}, 2, 2, infer, evaluate};
}

}  // namespace

void register_math_ops(OpRegistry& r) {
  r.add(matmul());
  r.add(softmax("SoftMax", {1, 8}, false));
  r.add(softmax("LogSoftmax", {5}, true));
  r.add(mvn());
  r.add(reduce("ReduceMean", Reduce::kMean));
  r.add(reduce("ReduceSum", Reduce::kSum));
  r.add(reduce("ReduceMax", Reduce::kMax));
  r.add(reduce("ReduceMin", Reduce::kMin));
  r.add(reduce("ReduceProd", Reduce::kProd));
}

}  // namespace sparrow::graph
