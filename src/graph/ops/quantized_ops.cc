// sparrow's own int8 ops, made by the quantized-linear pass (src/passes/quantize_linear.cc); IR files may
// not contain them (OpDef::internal). Their reference evaluations define the arithmetic that every fast
// kernel reproduces exactly.
//
// Quantize (attributes input_low, input_high, levels): f32 x -> u8 q, FakeQuantize-1's integer step:
//   x <= input_low -> 0;  x > input_high -> levels - 1;
//   otherwise nearbyint((x - input_low) / (input_high - input_low) * (levels - 1))   (f32, half to even)
//
// QuantizedMatMul (inputs: u8 src [..., K], i8 wei [N, K], f32 alpha [N], f32 beta [N]): f32 [..., N]
//   acc[m][n] = sum_k src[m][k] * wei[n][k]            exact, int32
//   dst[m][n] = fma(float(acc[m][n]), alpha[n], beta[n])  (float(acc) rounds to nearest; one rounding in fma)
//   then the epilogue of src/graph/ops/quantized.h: dst = float(gelu(double(dst))) when an activation is
//   set, and a u8 output of Quantize's step of dst when quantize_levels is set.
#include "graph/ops/quantized.h"

#include <cmath>

#include "base/thread_pool.h"
#include "graph/op_registry.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph {
namespace {

using namespace ops;

struct QuantizeParams {
  float low, high;
  int64_t levels;
};

QuantizeParams quantize_params(const Node& node) {
  QuantizeParams p{static_cast<float>(node.attrs.get_float("input_low")),
                   static_cast<float>(node.attrs.get_float("input_high")), node.attrs.get_int("levels")};
  SPARROW_CHECK(p.levels >= 2 && p.levels <= 256, "attribute 'levels' must lie in [2, 256], found ", p.levels);
  SPARROW_CHECK(p.low < p.high, "input_low (", p.low, ") must be below input_high (", p.high, ")");
  return p;
}

OpDef quantize() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    quantize_params(node);
    SPARROW_CHECK(in[0].type == ElementType::f32, "input 0: expected f32, found ", to_string(in[0].type));
    return {{ElementType::u8, in[0].shape, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    QuantizeParams p = quantize_params(node);
    const Tensor& x = in[0];
    Tensor out = make_tensor(ElementType::u8, x.shape());
    const float* src = x.data<float>();
    uint8_t* dst = out.data<uint8_t>();
    base::parallel_for(x.size(), [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) dst[i] = quantize_step(src[i], p.low, p.high, p.levels);
    }, 4096);
    return {out};
  };
  OpDef def{"Quantize", {1}, 1, 1, infer, evaluate};
  def.internal = true;
  return def;
}

}  // namespace

QuantizedEpilogue quantized_epilogue(const Node& node) {
  QuantizedEpilogue e;
  const std::string act = node.attrs.get_lowercase("activation", "none");
  if (act == "gelu_erf") {
    e.activation = QuantizedEpilogue::Activation::kGeluErf;
  } else if (act == "gelu_tanh") {
    e.activation = QuantizedEpilogue::Activation::kGeluTanh;
  } else {
    SPARROW_CHECK(act == "none", "attribute 'activation': expected none, gelu_erf or gelu_tanh, found '", act, "'");
  }
  if (node.attrs.has("quantize_levels")) {
    e.quantize = true;
    e.low = static_cast<float>(node.attrs.get_float("quantize_low"));
    e.high = static_cast<float>(node.attrs.get_float("quantize_high"));
    e.levels = node.attrs.get_int("quantize_levels");
    SPARROW_CHECK(e.levels >= 2 && e.levels <= 256, "attribute 'quantize_levels' must lie in [2, 256], found ",
                  e.levels);
    SPARROW_CHECK(e.low < e.high, "quantize_low (", e.low, ") must be below quantize_high (", e.high, ")");
  }
  return e;
}

namespace {

OpDef quantized_matmul() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type == ElementType::u8, "input 0: expected u8, found ", to_string(in[0].type));
    SPARROW_CHECK(in[1].type == ElementType::i8, "input 1: expected i8, found ", to_string(in[1].type));
    SPARROW_CHECK(in[2].type == ElementType::f32 && in[3].type == ElementType::f32,
                  "inputs 2 and 3 (alpha, beta) must be f32");
    const PartialShape& w = in[1].shape;
    SPARROW_CHECK(w.is_static() && w.rank() == 2, "input 1: expected a static [N, K] shape, found ",
                  w.to_string());
    const int64_t N = w.dims()[0], K = w.dims()[1];
    for (int i = 2; i < 4; ++i)
      SPARROW_CHECK(in[i].shape.is_static() && in[i].shape.dims() == std::vector<int64_t>{N}, "input ", i,
                    ": expected shape [", N, "], found ", in[i].shape.to_string());
    const ElementType out_type = quantized_epilogue(node).quantize ? ElementType::u8 : ElementType::f32;
    if (in[0].shape.rank_is_dynamic()) return {{out_type, PartialShape::dynamic_rank(), {}}};
    std::vector<int64_t> dims = in[0].shape.dims();
    SPARROW_CHECK(!dims.empty() && (dims.back() < 0 || dims.back() == K), "input 0: shape ",
                  in[0].shape.to_string(), " does not end in K = ", K);
    dims.back() = N;
    return {{out_type, PartialShape(dims), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    const Tensor &src = in[0], &wei = in[1];
    const size_t N = static_cast<size_t>(wei.shape()[0]), K = static_cast<size_t>(wei.shape()[1]);
    SPARROW_CHECK(!src.shape().empty() && static_cast<size_t>(src.shape().back()) == K, "input 0: shape ",
                  to_string(src.shape()), " does not end in K = ", K);
    Shape out_shape = src.shape();
    out_shape.back() = static_cast<int64_t>(N);
    const QuantizedEpilogue e = quantized_epilogue(node);
    Tensor out = make_tensor(e.quantize ? ElementType::u8 : ElementType::f32, out_shape);
    const size_t M = K ? src.size() / K : 0;
    const uint8_t* a = src.data<uint8_t>();
    const int8_t* w = wei.data<int8_t>();
    const float* alpha = in[2].data<float>();
    const float* beta = in[3].data<float>();
    for (size_t m = 0; m < M; ++m)
      for (size_t n = 0; n < N; ++n) {
        int32_t acc = 0;
        for (size_t k = 0; k < K; ++k) acc += int32_t{a[m * K + k]} * int32_t{w[n * K + k]};
        float v = std::fma(static_cast<float>(acc), alpha[n], beta[n]);
        if (e.activation == QuantizedEpilogue::Activation::kGeluErf) v = static_cast<float>(gelu_erf(v));
        if (e.activation == QuantizedEpilogue::Activation::kGeluTanh) v = static_cast<float>(gelu_tanh(v));
        if (e.quantize) {
          out.data<uint8_t>()[m * N + n] = quantize_step(v, e.low, e.high, e.levels);
        } else {
          out.data<float>()[m * N + n] = v;
        }
      }
    return {out};
  };
  OpDef def{"QuantizedMatMul", {1}, 4, 4, infer, evaluate};
  def.internal = true;
  return def;
}

}  // namespace

void register_quantized_ops(OpRegistry& r) {
  r.add(quantize());
  r.add(quantized_matmul());
}

}  // namespace sparrow::graph
