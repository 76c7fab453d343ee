#include "runtime/kernel_binding.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "base/arena.h"
#include "base/thread_pool.h"
#include "base/verbose.h"
#include "graph/op_registry.h"
#include "graph/ops/attention.h"
#include "graph/ops/quantized.h"
#include "graph/weights.h"
#include "kernels/qgemm/qgemm.h"
#include "kernels/sgemm/sgemm.h"
#include "kernels/vmath/vmath.h"
#include "sparrow/error.h"

namespace sparrow::runtime {
namespace {

// Elements per task when an elementwise kernel's work is shared out among a stream's threads.
constexpr size_t kElementGrain = 4096;

// QuantizedMatMul (src/graph/ops/quantized_ops.cc) on a qgemm kernel: weights packed at bind time, columns
// shared out among the stream's threads in whole panels. With an epilogue (src/graph/ops/quantized.h), each
// block of columns goes through a per-thread f32 scratch while it is in cache: Gelu on vmath, then the
// quantize step into the u8 output.
class QgemmBinding final : public BoundKernel {
 public:
  QgemmBinding(const kernels::QgemmKernel& kernel, const kernels::VmathKernels& vmath, const graph::Node& node)
      : kernel_(kernel),
        vmath_(vmath),
        epilogue_(graph::quantized_epilogue(node)),
        alpha_(node.input_value(2)),
        beta_(node.input_value(3)) {
    const Tensor& wei = node.input_value(1);
    kernel.pack(wei.data<int8_t>(), static_cast<size_t>(wei.shape()[0]), static_cast<size_t>(wei.shape()[1]),
                weights_);
  }

  size_t packed_bytes() const { return weights_.packed.size(); }

  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    const Tensor& src = in[0];
    const size_t N = weights_.N, K = weights_.K;
    SPARROW_CHECK(src.element_type() == ElementType::u8, "input 0: expected u8, found ",
                  to_string(src.element_type()));
    SPARROW_CHECK(!src.shape().empty() && static_cast<size_t>(src.shape().back()) == K, "input 0: shape ",
                  to_string(src.shape()), " does not end in K = ", K);
    Shape out_shape = src.shape();
    out_shape.back() = static_cast<int64_t>(N);
    Tensor out = base::uninitialized_tensor(epilogue_.quantize ? ElementType::u8 : ElementType::f32, out_shape);
    const size_t M = src.size() / K;
    if (M == 0) return {out};
    const kernels::QgemmEpilogue ep{alpha_.data<float>(), beta_.data<float>()};
    const size_t nb = kernel_.n_block, panels = (N + nb - 1) / nb;
    const bool plain = epilogue_.activation == graph::QuantizedEpilogue::Activation::kNone && !epilogue_.quantize;
    base::parallel_for(panels, [&](size_t p0, size_t p1) {
      if (plain) {
        kernel_.run_f32(M, p0 * nb, std::min(N, p1 * nb), src.data<uint8_t>(), K, weights_, ep, out.data<float>(),
                        N);
        return;
      }
      // The kernel writes columns at their own index, so the scratch is [M][N]; only the block in hand is
      // touched, and it stays in cache between the product and the epilogue.
      thread_local std::vector<float> scratch;
      if (scratch.size() < M * N) scratch.resize(M * N);
      // The groups kernels transpose the activations on each call, so they get the thread's whole range.
      const size_t block = kernel_.format == kernels::WeightFormat::groups ? p1 - p0
                                                                            : std::max<size_t>(1, kEpilogueColumns / nb);
      for (size_t p = p0; p < p1; p += block) {
        const size_t n0 = p * nb, n1 = std::min(N, std::min(p1, p + block) * nb);
        kernel_.run_f32(M, n0, n1, src.data<uint8_t>(), K, weights_, ep, scratch.data(), N);
        for (size_t m = 0; m < M; ++m) finish_row(scratch.data() + m * N + n0, out, m * N + n0, n1 - n0);
      }
    });
    return {out};
  }

 private:
  // Columns per epilogue block: M x 256 floats stay in L1/L2 between the product and the epilogue.
  static constexpr size_t kEpilogueColumns = 256;

  void finish_row(float* row, const Tensor& out, size_t offset, size_t n) const {
    using Activation = graph::QuantizedEpilogue::Activation;
    if (epilogue_.activation == Activation::kGeluErf && epilogue_.quantize) {
      // Only the level is kept: vmath decides it in float and falls back to the exact Gelu near a boundary.
      vmath_.gelu_quantize_u8(row, out.data<uint8_t>() + offset, n, epilogue_.low, epilogue_.high,
                              static_cast<int>(epilogue_.levels));
      return;
    }
    if (epilogue_.activation == Activation::kGeluErf) vmath_.gelu_erf(row, row, n);
    if (epilogue_.activation == Activation::kGeluTanh) vmath_.gelu_tanh(row, row, n);
    if (epilogue_.quantize) {
      vmath_.quantize_u8(row, out.data<uint8_t>() + offset, n, epilogue_.low, epilogue_.high,
                         static_cast<int>(epilogue_.levels));
    } else {
      std::copy(row, row + n, out.data<float>() + offset);
    }
  }

  const kernels::QgemmKernel& kernel_;
  const kernels::VmathKernels& vmath_;
  graph::QuantizedEpilogue epilogue_;
  kernels::QgemmWeights weights_;
  Tensor alpha_, beta_;  // shared with the graph's constants
};

// An f32 MatMul by constant 2-D weights (pooler, classifier, fp32 models) on an sgemm kernel: A [..., M, K]
// as one [rows, K] matrix; columns shared out among the stream's threads in blocks.
class SgemmBinding final : public BoundKernel {
 public:
  SgemmBinding(const kernels::SgemmKernel& sgemm, const graph::Node& node)
      : sgemm_(sgemm), weights_(node.input_value(1)), transposed_(node.attrs.get_bool("transpose_b", false)) {
    K_ = static_cast<size_t>(weights_.shape()[transposed_ ? 1 : 0]);
    N_ = static_cast<size_t>(weights_.shape()[transposed_ ? 0 : 1]);
  }

  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    const Tensor& a = in[0];
    SPARROW_CHECK(a.element_type() == ElementType::f32, "input 0: expected f32, found ", to_string(a.element_type()));
    SPARROW_CHECK(a.shape().size() >= 2 && static_cast<size_t>(a.shape().back()) == K_, "input 0: shape ",
                  to_string(a.shape()), " does not end in K = ", K_);
    Shape out_shape = a.shape();
    out_shape.back() = static_cast<int64_t>(N_);
    Tensor out = base::uninitialized_tensor(ElementType::f32, out_shape);
    const size_t M = a.size() / K_;
    if (M == 0 || N_ == 0) return {out};
    constexpr size_t kBlock = 64;
    const float* w = weights_.data<float>();
    base::parallel_for((N_ + kBlock - 1) / kBlock, [&](size_t b0, size_t b1) {
      const size_t n0 = b0 * kBlock, n1 = std::min(N_, b1 * kBlock);
      sgemm_.run(M, n1 - n0, K_, a.data<float>(), K_, transposed_ ? w + n0 * K_ : w + n0, transposed_ ? K_ : N_,
                 transposed_, out.data<float>() + n0, N_);
    });
    return {out};
  }

 private:
  const kernels::SgemmKernel& sgemm_;
  Tensor weights_;  // shared with the graph's constant
  bool transposed_;
  size_t K_ = 0, N_ = 0;
};

// Attention (src/graph/ops/attention.h) per head: scores on an sgemm kernel, scale and mask in f32, softmax
// rows on vmath, the context on sgemm again; heads shared out among the stream's threads. Layouts where a
// head's rows are not contiguous along d fall back to the reference op.
class AttentionBinding final : public BoundKernel {
 public:
  AttentionBinding(const kernels::SgemmKernel& sgemm, const kernels::VmathKernels& vmath, const graph::Node& node)
      : sgemm_(sgemm), vmath_(vmath), node_(node) {}

  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].element_type() == ElementType::f32, "input ", i, ": expected f32, found ",
                    to_string(in[i].element_type()));
    const Shape* mask_shape = in.size() > 3 ? &in[3].shape() : nullptr;
    const graph::AttentionGeometry g =
        graph::attention_geometry(node_, in[0].shape(), in[1].shape(), in[2].shape(), mask_shape);
    // K as the second operand of scores = Q x K^T: stored [Sk][D] (transposed) or [D][Sk].
    const bool k_rows = g.k[3] == 1, k_cols = g.k[2] == 1 && !k_rows;
    if (g.q[3] != 1 || g.v[3] != 1 || g.out[3] != 1 || !(k_rows || k_cols))
      return graph::evaluate_node(node_, in);
    Tensor out = base::uninitialized_tensor(ElementType::f32, g.out_shape);
    const float *q = in[0].data<float>(), *k = in[1].data<float>(), *v = in[2].data<float>();
    const float* mask = g.has_mask ? in[3].data<float>() : nullptr;
    float* o = out.data<float>();
    base::parallel_for(g.B * g.H, [&](size_t begin, size_t end) {
      // Per-thread scores, kept from one inference to the next (no allocation once warm).
      thread_local std::vector<float> s;
      if (s.size() < g.Sq * g.Sk) s.resize(g.Sq * g.Sk);
      for (size_t bh = begin; bh < end; ++bh) {
        const size_t b = bh / g.H, h = bh % g.H;
        const float* kb = k + b * g.k[0] + h * g.k[1];
        sgemm_.run(g.Sq, g.Sk, g.D, q + b * g.q[0] + h * g.q[1], g.q[2], kb, k_rows ? g.k[2] : g.k[3], k_rows,
                   s.data(), g.Sk);
        for (size_t i = 0; i < g.Sq; ++i) {
          float* row = s.data() + i * g.Sk;
          if (g.scale_mode == graph::AttentionGeometry::Scale::kMultiply) {
            for (size_t j = 0; j < g.Sk; ++j) row[j] = row[j] * g.scale;
          } else if (g.scale_mode == graph::AttentionGeometry::Scale::kDivide) {
            for (size_t j = 0; j < g.Sk; ++j) row[j] = row[j] / g.scale;
          }
          if (mask) {
            const float* m = mask + b * g.mask[0] + h * g.mask[1] + i * g.mask[2];
            for (size_t j = 0; j < g.Sk; ++j) row[j] = row[j] + m[j * g.mask[3]];
          }
          vmath_.softmax_row(row, row, g.Sk);
        }
        sgemm_.run(g.Sq, g.Dv, g.Sk, s.data(), g.Sk, v + b * g.v[0] + h * g.v[1], g.v[2], false,
                   o + b * g.out[0] + h * g.out[1], g.out[2]);
      }
    });
    return {out};
  }

 private:
  const kernels::SgemmKernel& sgemm_;
  const kernels::VmathKernels& vmath_;
  const graph::Node& node_;
};

// An f32 elementwise vmath kernel (Gelu, Quantize): element ranges shared out among the stream's threads.
template <typename Out, class F>
Tensor elementwise(const Tensor& x, ElementType out_type, F kernel) {
  SPARROW_CHECK(x.element_type() == ElementType::f32, "input 0: expected f32, found ", to_string(x.element_type()));
  Tensor out = base::uninitialized_tensor(out_type, x.shape());
  const float* src = x.data<float>();
  Out* dst = out.data<Out>();
  base::parallel_for(x.size(), [&](size_t begin, size_t end) { kernel(src + begin, dst + begin, end - begin); },
                     kElementGrain);
  return out;
}

class GeluBinding final : public BoundKernel {
 public:
  GeluBinding(const kernels::VmathKernels& vmath, bool tanh) : fn_(tanh ? vmath.gelu_tanh : vmath.gelu_erf) {}
  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    return {elementwise<float>(in[0], ElementType::f32, fn_)};
  }

 private:
  void (*fn_)(const float*, float*, size_t);
};

class QuantizeBinding final : public BoundKernel {
 public:
  QuantizeBinding(const kernels::VmathKernels& vmath, const graph::Node& node)
      : vmath_(vmath),
        low_(static_cast<float>(node.attrs.get_float("input_low"))),
        high_(static_cast<float>(node.attrs.get_float("input_high"))),
        levels_(static_cast<int>(node.attrs.get_int("levels"))) {}
  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    return {elementwise<uint8_t>(in[0], ElementType::u8, [&](const float* x, uint8_t* q, size_t n) {
      vmath_.quantize_u8(x, q, n, low_, high_, levels_);
    })};
  }

 private:
  const kernels::VmathKernels& vmath_;
  float low_, high_;
  int levels_;
};

// Row kernels over the last axis (SoftMax, MVN): rows shared out among the stream's threads.
template <class F>
Tensor rows(const Tensor& x, F kernel) {
  SPARROW_CHECK(x.element_type() == ElementType::f32, "input 0: expected f32, found ", to_string(x.element_type()));
  Tensor out = base::uninitialized_tensor(ElementType::f32, x.shape());
  const size_t n = x.shape().empty() ? 1 : static_cast<size_t>(x.shape().back());
  if (n == 0 || x.size() == 0) return out;
  const float* src = x.data<float>();
  float* dst = out.data<float>();
  base::parallel_for(x.size() / n, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) kernel(src + r * n, dst + r * n, n);
  }, std::max<size_t>(1, kElementGrain / n));
  return out;
}

class SoftMaxBinding final : public BoundKernel {
 public:
  explicit SoftMaxBinding(const kernels::VmathKernels& vmath) : vmath_(vmath) {}
  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    return {rows(in[0], vmath_.softmax_row)};
  }

 private:
  const kernels::VmathKernels& vmath_;
};

class MvnBinding final : public BoundKernel {
 public:
  MvnBinding(const kernels::VmathKernels& vmath, const graph::Node& node)
      : vmath_(vmath),
        normalize_variance_(node.attrs.get_bool("normalize_variance", false)),
        eps_(node.attrs.get_float("eps")),
        eps_inside_(node.attrs.get_lowercase("eps_mode", "") == "inside_sqrt") {}
  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    return {rows(in[0], [&](const float* x, float* y, size_t n) {
      vmath_.mvn_row(x, y, n, normalize_variance_, eps_, eps_inside_);
    })};
  }

 private:
  const kernels::VmathKernels& vmath_;
  bool normalize_variance_;
  double eps_;
  bool eps_inside_;
};

// LayerNorm (src/graph/ops/fused_ops.cc): the residual add, normalisation and affine step in one pass over
// each row. A residual that broadcasts against x goes to the reference op.
class LayerNormBinding final : public BoundKernel {
 public:
  LayerNormBinding(const kernels::VmathKernels& vmath, const graph::Node& node)
      : vmath_(vmath),
        node_(node),
        eps_(node.attrs.get_float("eps")),
        eps_inside_(node.attrs.get_lowercase("eps_mode", "") == "inside_sqrt") {}
  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    const Tensor& x = in[0];
    const bool residual = in.size() > 3;
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].element_type() == ElementType::f32, "input ", i, ": expected f32, found ",
                    to_string(in[i].element_type()));
    if ((residual && in[3].shape() != x.shape()) || x.shape().empty()) return graph::evaluate_node(node_, in);
    const size_t n = static_cast<size_t>(x.shape().back());
    for (size_t i = 1; i < 3; ++i)
      SPARROW_CHECK(in[i].size() == n, "input ", i, ": expected ", n, " values (the last axis), found ",
                    to_string(in[i].shape()));
    Tensor out = base::uninitialized_tensor(ElementType::f32, x.shape());
    if (n == 0 || x.size() == 0) return {out};
    const float *src = x.data<float>(), *res = residual ? in[3].data<float>() : nullptr;
    const float *gamma = in[1].data<float>(), *beta = in[2].data<float>();
    float* dst = out.data<float>();
    base::parallel_for(x.size() / n, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end; ++r)
        vmath_.layernorm_row(src + r * n, res ? res + r * n : nullptr, gamma, beta, n, eps_, eps_inside_,
                             dst + r * n, nullptr);
    }, std::max<size_t>(1, kElementGrain / n));
    return {out};
  }

 private:
  const kernels::VmathKernels& vmath_;
  const graph::Node& node_;
  double eps_;
  bool eps_inside_;
};

bool f32_in_out(const graph::Node& node) {
  return node.input_type(0) == ElementType::f32 && node.outputs[0].type == ElementType::f32;
}

// The input's rank when static, else -1.
int64_t input_rank(const graph::Node& node, size_t i) {
  const PartialShape& s = node.input_shape(i);
  return s.rank_is_dynamic() ? -1 : static_cast<int64_t>(s.rank());
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// A reduction or softmax over the last axis only: an axis attribute or a constant axes input of one value.
bool last_axis_only(const graph::Node& node, std::optional<std::vector<int64_t>> axes) {
  const int64_t rank = input_rank(node, 0);
  if (rank < 1 || !axes || axes->size() != 1) return false;
  const int64_t a = (*axes)[0];
  return a == rank - 1 || a == -1;
}

std::optional<std::vector<int64_t>> constant_axes(const graph::Node& node, size_t i) {
  if (!node.input_is_constant(i)) return {};
  const Tensor& t = node.input_value(i);
  if (t.element_type() != ElementType::i32 && t.element_type() != ElementType::i64) return {};
  std::vector<int64_t> out;
  for (size_t k = 0; k < t.size(); ++k)
    out.push_back(t.element_type() == ElementType::i32 ? t.data<int32_t>()[k] : t.data<int64_t>()[k]);
  return out;
}

}  // namespace

KernelBindings bind_kernels(graph::Graph& graph, base::Isa max_isa, const SparseWeightsPolicy& sparse) {
  KernelBindings out;
  std::map<const graph::Node*, int> readers;
  for (const auto& node : graph.nodes())
    for (const graph::Edge& e : node->inputs) ++readers[e.node];
  const bool verbose_sparse = base::verbose_enabled("sparse");
  const kernels::SgemmKernel& sgemm = kernels::select_sgemm(max_isa);
  const kernels::VmathKernels& vmath = kernels::select_vmath(max_isa);
  for (const auto& node : graph.nodes()) {
    std::shared_ptr<const BoundKernel> bound;
    std::string exec_type = vmath.name;
    if (node->type == "QuantizedMatMul") {
      bool constant_operands = true;
      for (size_t i = 1; i < 4; ++i) constant_operands = constant_operands && node->input_is_constant(i);
      if (!constant_operands) continue;
      graph::Node* w = node->inputs[1].node;
      const Tensor& wei = w->value;
      const PartialShape& in = node->input_shape(0);
      size_t rows = 0;  // unknown unless the input's shape is static
      if (in.is_static() && in.rank() >= 1) rows = shape_size(in.to_shape()) / std::max<size_t>(1, in[in.rank() - 1]);
      const WeightPattern pattern{static_cast<size_t>(wei.shape()[0]), static_cast<size_t>(wei.shape()[1]),
                                  graph::zero_fraction(wei), graph::zero_group_fraction(wei, 4), rows};
      const FormatChoice choice = choose_weight_format(pattern, sparse);
      const kernels::QgemmKernel& qgemm = kernels::select_qgemm(max_isa, choice.format);
      auto qgemm_binding = std::make_shared<QgemmBinding>(qgemm, vmath, *node);
      if (verbose_sparse)
        std::fprintf(stderr, "sparrow sparse: %s: %s (%s) on %s\n", node->name.c_str(),
                     kernels::to_string(choice.format), choice.reason.c_str(), qgemm.name);
      node->packed_weights =
          graph::Node::WeightSummary{wei.shape(),         wei.element_type(), pattern.zero_fraction,
                                     pattern.zero_group_fraction, wei.byte_size(),  kernels::to_string(choice.format),
                                     qgemm_binding->packed_bytes()};
      bound = std::move(qgemm_binding);
      exec_type = qgemm.name;
      // The kernel keeps its packed copy; the int8 Const's own is released (no other reader).
      if (readers[w] == 1) w->value = Tensor();
    } else if (node->type == "MatMul" && f32_in_out(*node) && node->input_is_constant(1) &&
               node->input_value(1).element_type() == ElementType::f32 &&
               node->input_value(1).shape().size() == 2 && input_rank(*node, 0) >= 2 &&
               !node->attrs.get_bool("transpose_a", false)) {
      bound = std::make_shared<SgemmBinding>(sgemm, *node);
      exec_type = sgemm.name;
    } else if (node->type == "Attention") {
      bound = std::make_shared<AttentionBinding>(sgemm, vmath, *node);
      exec_type = std::string(sgemm.name) + "+" + vmath.name;
    } else if (node->type == "LayerNorm") {
      bound = std::make_shared<LayerNormBinding>(vmath, *node);
    } else if (node->type == "Quantize") {
      bound = std::make_shared<QuantizeBinding>(vmath, *node);
    } else if (node->type == "Gelu" && f32_in_out(*node)) {
      const bool tanh = node->version >= 7 && upper(node->attrs.get_string("approximation_mode", "ERF")) == "TANH";
      bound = std::make_shared<GeluBinding>(vmath, tanh);
    } else if (node->type == "SoftMax" && f32_in_out(*node) &&
               last_axis_only(*node, std::vector<int64_t>{node->attrs.get_int("axis", 1)})) {
      bound = std::make_shared<SoftMaxBinding>(vmath);
    } else if (node->type == "MVN" && node->version >= 6 && node->inputs.size() == 2 && f32_in_out(*node) &&
               last_axis_only(*node, constant_axes(*node, 1))) {
      bound = std::make_shared<MvnBinding>(vmath, *node);
    }
    if (!bound) continue;
    out[node.get()] = std::move(bound);
    node->exec_type = exec_type;
  }
  return out;
}

}  // namespace sparrow::runtime
