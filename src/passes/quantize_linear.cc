#include "passes/quantize_linear.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "graph/shape_inference.h"
#include "passes/rewrite.h"

namespace sparrow::passes {
namespace {

using graph::Edge;
using graph::Node;

// The f32 value of a Const with one element (any shape of ones), or nothing.
std::optional<double> scalar_constant(const Edge& e) {
  const Node* n = e.node;
  if (n->type != "Const" || n->value.size() != 1 || n->value.element_type() != ElementType::f32) return {};
  return n->value.data<float>()[0];
}

// Values of a Const broadcast per output channel: one value, or N values along the channel axis of a
// weight-shaped constant. `channel_axis_last` says the channels are the last axis ([1, N] or [N]) rather
// than the first ([N, 1]).
std::optional<std::vector<double>> per_channel(const Edge& e, size_t N, bool channel_axis_last) {
  const Node* n = e.node;
  if (n->type != "Const" || n->value.element_type() != ElementType::f32) return {};
  const Tensor& t = n->value;
  const Shape& s = t.shape();
  std::vector<double> out(N);
  if (t.size() == 1) {
    std::fill(out.begin(), out.end(), t.data<float>()[0]);
    return out;
  }
  if (t.size() != N || s.size() > 2) return {};
  bool ok = s.size() == 1 ? channel_axis_last
                          : (channel_axis_last ? s[0] == 1 : s[1] == 1);
  if (!ok) return {};
  for (size_t i = 0; i < N; ++i) out[i] = t.data<float>()[i];
  return out;
}

struct Int8Weights {
  size_t N = 0, K = 0;
  std::vector<int8_t> values;  // [N][K]
  std::vector<double> scale;   // [N]
  std::vector<std::string> names;  // the nodes the weights came through
};

// Reads a 2-D weight tensor into [N][K] order whatever its stored layout.
template <typename T>
std::vector<T> to_nk(const Tensor& t, bool transpose_b, size_t& N, size_t& K) {
  const Shape& s = t.shape();
  N = static_cast<size_t>(transpose_b ? s[0] : s[1]);
  K = static_cast<size_t>(transpose_b ? s[1] : s[0]);
  std::vector<T> out(N * K);
  const T* p = t.data<T>();
  for (size_t n = 0; n < N; ++n)
    for (size_t k = 0; k < K; ++k) out[n * K + k] = transpose_b ? p[n * K + k] : p[k * N + n];
  return out;
}

// Const(i8) -> Convert(f32) [-> Subtract(zeros)] -> Multiply(scale)
std::optional<Int8Weights> compressed_weights(const Node* mul, bool transpose_b) {
  if (mul->type != "Multiply" || mul->inputs.size() != 2) return {};
  for (int side = 0; side < 2; ++side) {
    const Node* chain = mul->inputs[side].node;
    const Edge scale_edge = mul->inputs[1 - side];
    Int8Weights w;
    w.names.push_back(mul->name);
    if (chain->type == "Subtract") {
      const Node* zp = chain->inputs[1].node;
      bool zeros = zp->type == "Const" && zp->value.element_type() == ElementType::f32;
      for (size_t i = 0; zeros && i < zp->value.size(); ++i) zeros = zp->value.data<float>()[i] == 0.0f;
      if (!zeros) continue;
      w.names.push_back(chain->name);
      chain = chain->inputs[0].node;
    }
    if (chain->type != "Convert" || chain->outputs[0].type != ElementType::f32) continue;
    const Node* c = chain->inputs[0].node;
    if (c->type != "Const" || c->value.element_type() != ElementType::i8 || c->value.shape().size() != 2) continue;
    w.names.push_back(chain->name);
    w.names.push_back(c->name);
    w.values = to_nk<int8_t>(c->value, transpose_b, w.N, w.K);
    auto scale = per_channel(scale_edge, w.N, !transpose_b);
    if (!scale) continue;
    w.scale = *scale;
    return w;
  }
  return {};
}

// Const(f32) -> FakeQuantize(per-channel ranges) whose levels map to integers q - zp in [-128, 127].
std::optional<Int8Weights> fake_quantized_weights(const Node* fq, bool transpose_b) {
  if (fq->type != "FakeQuantize" || fq->inputs.size() != 5) return {};
  const Node* c = fq->inputs[0].node;
  if (c->type != "Const" || c->value.element_type() != ElementType::f32 || c->value.shape().size() != 2) return {};
  const int64_t levels = fq->attrs.get_int("levels", 0);
  if (levels < 2 || levels > 256) return {};
  Int8Weights w;
  std::vector<float> values = to_nk<float>(c->value, transpose_b, w.N, w.K);
  std::array<std::vector<double>, 4> r;  // il, ih, ol, oh per channel
  for (int i = 0; i < 4; ++i) {
    auto v = per_channel(fq->inputs[1 + i], w.N, !transpose_b);
    if (!v) return {};
    r[i] = *v;
  }
  w.values.resize(w.N * w.K);
  w.scale.resize(w.N);
  const float lm1 = static_cast<float>(levels - 1);
  for (size_t n = 0; n < w.N; ++n) {
    const float il = static_cast<float>(r[0][n]), ih = static_cast<float>(r[1][n]);
    const double ol = r[2][n], oh = r[3][n];
    if (!(il < ih) || !(ol < oh)) return {};
    const double s = (oh - ol) / (levels - 1);
    const double zp = -ol / s;
    const double zp_int = std::round(zp);
    if (std::abs(zp - zp_int) > 1e-3) return {};
    for (size_t k = 0; k < w.K; ++k) {
      const float x = values[n * w.K + k];
      // FakeQuantize-1's integer step, as the reference op computes it.
      const float q = x <= il ? 0.0f : x > ih ? lm1 : std::nearbyint((x - il) / (ih - il) * lm1);
      const double v = q - zp_int;
      if (v < -128 || v > 127) return {};
      w.values[n * w.K + k] = static_cast<int8_t>(v);
    }
    w.scale[n] = s;
  }
  w.names = {fq->name, c->name};
  return w;
}

struct ActivationQuantizer {
  double il, ih, ol, oh;
  int64_t levels;
};

std::optional<ActivationQuantizer> activation_quantizer(const Node* fq) {
  if (fq->type != "FakeQuantize" || fq->inputs.size() != 5 || fq->outputs[0].type != ElementType::f32) return {};
  if (fq->input_type(0) != ElementType::f32) return {};
  ActivationQuantizer a;
  a.levels = fq->attrs.get_int("levels", 0);
  if (a.levels < 2 || a.levels > 256) return {};
  std::array<double*, 4> dst = {&a.il, &a.ih, &a.ol, &a.oh};
  for (int i = 0; i < 4; ++i) {
    auto v = scalar_constant(fq->inputs[1 + i]);
    if (!v) return {};
    *dst[i] = *v;
  }
  if (!(a.il < a.ih) || !(a.ol < a.oh)) return {};
  return a;
}

Tensor f32_vector(const std::vector<double>& v) {
  Tensor t(ElementType::f32, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.data<float>()[i] = static_cast<float>(v[i]);
  return t;
}

}  // namespace

int quantize_linear(graph::Graph& graph) {
  Consumers consumers = consumers_of(graph);

  std::map<const Node*, Node*> quantize_of;  // activation FakeQuantize -> its Quantize
  int rewritten = 0;
  for (Node* mm : graph.topological_order()) {
    if (mm->type != "MatMul" || mm->attrs.get_bool("transpose_a", false)) continue;
    if (mm->outputs[0].type != ElementType::f32) continue;
    Node* fq = mm->inputs[0].node;
    std::optional<ActivationQuantizer> act = activation_quantizer(fq);
    if (!act) continue;
    const bool transpose_b = mm->attrs.get_bool("transpose_b", false);
    const Node* w_node = mm->inputs[1].node;
    std::optional<Int8Weights> w = compressed_weights(w_node, transpose_b);
    if (!w) w = fake_quantized_weights(w_node, transpose_b);
    if (!w) continue;

    // A bias: the MatMul's only consumer adds a constant of N values.
    Node* last = mm;
    std::vector<double> bias(w->N, 0.0);
    std::vector<std::string> fused = w->names;
    if (consumers[mm].size() == 1 && consumers[mm][0]->type == "Add") {
      Node* add = consumers[mm][0];
      const Edge other = add->inputs[0].node == mm ? add->inputs[1] : add->inputs[0];
      const Node* b = other.node;
      if (b->type == "Const" && b->value.element_type() == ElementType::f32 && b->value.size() == w->N &&
          b->value.shape().size() >= 1 && static_cast<size_t>(b->value.shape().back()) == w->N) {
        for (size_t n = 0; n < w->N; ++n) bias[n] = b->value.data<float>()[n];
        fused.push_back(add->name);
        last = add;
      }
    }

    Node*& q = quantize_of[fq];
    if (!q) {
      q = graph.add_node("Quantize", 1, fq->name + "/quantize", {fq->inputs[0]}, 1);
      q->attrs.set("input_low", float_text(act->il));
      q->attrs.set("input_high", float_text(act->ih));
      q->attrs.set("levels", std::to_string(act->levels));
      q->fused_names.push_back(fq->name);
    }
    const double s_x = (act->oh - act->ol) / static_cast<double>(act->levels - 1);
    std::vector<double> alpha(w->N), beta(w->N);
    for (size_t n = 0; n < w->N; ++n) {
      int64_t col_sum = 0;
      for (size_t k = 0; k < w->K; ++k) col_sum += w->values[n * w->K + k];
      alpha[n] = s_x * w->scale[n];
      beta[n] = act->ol * w->scale[n] * static_cast<double>(col_sum) + bias[n];
    }
    Tensor wei(ElementType::i8, {static_cast<int64_t>(w->N), static_cast<int64_t>(w->K)});
    std::copy(w->values.begin(), w->values.end(), wei.data<int8_t>());
    Node* wc = graph.add_constant(mm->name + "/weights_i8", wei);
    Node* ac = graph.add_constant(mm->name + "/alpha", f32_vector(alpha));
    Node* bc = graph.add_constant(mm->name + "/beta", f32_vector(beta));
    Node* qmm = graph.add_node("QuantizedMatMul", 1, mm->name, {{q, 0}, {wc, 0}, {ac, 0}, {bc, 0}}, 1);
    qmm->fused_names = fused;
    qmm->outputs[0].names = last->outputs[0].names;
    graph.replace_uses({last, 0}, {qmm, 0});
    ++rewritten;
  }
  return finish_rewrites(graph, rewritten);
}

}  // namespace sparrow::passes
