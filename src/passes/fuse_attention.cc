#include "passes/fuse_attention.h"

#include <cstdio>
#include <map>
#include <optional>

#include "graph/op_registry.h"
#include "graph/ops/op_utils.h"
#include "graph/shape_inference.h"
#include "passes/rewrite.h"

namespace sparrow::passes {
namespace {

using graph::Edge;
using graph::Node;

bool is_f32_rank4(const Edge& e) {
  const graph::OutputPort& p = e.node->outputs[e.port];
  return p.type == ElementType::f32 && !p.shape.rank_is_dynamic() && p.shape.rank() == 4;
}

// The f32 value of a Const with one element and rank <= 4, or nothing.
std::optional<float> scalar_constant(const Edge& e) {
  const Node* n = e.node;
  if (n->type != "Const" || n->value.size() != 1 || n->value.element_type() != ElementType::f32 ||
      n->value.shape().size() > 4)
    return {};
  return n->value.data<float>()[0];
}

// The order of a Transpose of a rank-4 f32 value by a constant permutation, or nothing.
std::optional<std::vector<int64_t>> transpose_order(const Node* n) {
  if (n->type != "Transpose" || n->inputs.size() != 2 || !n->input_is_constant(1)) return {};
  if (!is_f32_rank4(n->inputs[0])) return {};
  const Tensor& t = n->input_value(1);
  if (!is_integral(t.element_type()) || t.size() != 4) return {};
  std::vector<int64_t> order = graph::ops::read_ints(t, "Transpose order");
  std::vector<bool> seen(4, false);
  for (int64_t& a : order) {
    if (a < 0) a += 4;
    if (a < 0 || a > 3 || seen[a]) return {};
    seen[a] = true;
  }
  return order;
}

// An operand with the layout of its stored axes. Reading through a Transpose: output axis i is input axis
// order[i], so the input's layout puts the output's letter i at position order[i].
struct Operand {
  Edge edge;
  std::string layout;
};

Operand through_transpose(Operand op) {
  if (auto order = transpose_order(op.edge.node)) {
    std::string src(4, ' ');
    for (size_t i = 0; i < 4; ++i) src[(*order)[i]] = op.layout[i];
    return {op.edge.node->inputs[0], src};
  }
  return op;
}

struct Scores {
  Node* matmul = nullptr;
  Node* scale = nullptr;  // Multiply or Divide, or nullptr
  std::string scale_mode = "none";
  float scale_value = 1.0f;
};

bool plain_matmul(const Node* n) {
  return n->type == "MatMul" && n->inputs.size() == 2 && !n->attrs.get_bool("transpose_a", false) &&
         is_f32_rank4({const_cast<Node*>(n), 0}) && is_f32_rank4(n->inputs[0]) && is_f32_rank4(n->inputs[1]);
}

// [Multiply(c) | Divide(c)] <- MatMul(Q, K), each read only by the next step.
std::optional<Scores> scores_chain(const Consumers& consumers, Node* n) {
  Scores s;
  if (n->type == "Multiply" || n->type == "Divide") {
    if (!single_reader(consumers, n) || n->inputs.size() != 2 || !is_f32_rank4({n, 0})) return {};
    int side = -1;
    if (n->type == "Multiply") {
      side = scalar_constant(n->inputs[1]) ? 0 : scalar_constant(n->inputs[0]) ? 1 : -1;
    } else if (scalar_constant(n->inputs[1])) {
      side = 0;
    }
    if (side < 0) return {};
    s.scale = n;
    s.scale_mode = n->type == "Multiply" ? "multiply" : "divide";
    s.scale_value = *scalar_constant(n->inputs[1 - side]);
    n = n->inputs[side].node;
    if (!only_reader(consumers, n, s.scale)) return {};
  } else if (!single_reader(consumers, n)) {
    return {};
  }
  if (!plain_matmul(n)) return {};
  s.matmul = n;
  return s;
}

}  // namespace

int fuse_attention(graph::Graph& graph) {
  Consumers consumers = consumers_of(graph);

  int fused = 0;
  for (Node* sm : graph.topological_order()) {
    if (sm->type != "SoftMax" || sm->inputs.size() != 1 || !is_f32_rank4(sm->inputs[0])) continue;
    if (sm->inputs[0].port != 0) continue;
    int64_t axis = sm->attrs.get_int("axis", 1);
    if (axis != 3 && axis != -1) continue;
    if (!single_reader(consumers, sm)) continue;
    Node* ctx = consumers[sm][0];
    if (!plain_matmul(ctx) || ctx->inputs[0].node != sm || ctx->attrs.get_bool("transpose_b", false)) continue;

    // Scores, optionally masked.
    Node* x = sm->inputs[0].node;
    std::optional<Scores> scores;
    std::optional<Edge> mask;
    Node* add = nullptr;
    if (x->type == "Add" && x->inputs.size() == 2 && single_reader(consumers, x) &&
        x->attrs.get_lowercase("auto_broadcast", "numpy") == "numpy") {
      for (int side = 0; side < 2 && !scores; ++side) {
        const Edge other = x->inputs[1 - side];
        const graph::OutputPort& m = other.node->outputs[other.port];
        if (m.type != ElementType::f32 || m.shape.rank_is_dynamic() || m.shape.rank() > 4) continue;
        if (x->inputs[side].port != 0) continue;
        scores = scores_chain(consumers, x->inputs[side].node);
        if (scores) mask = other;
      }
      add = x;
    } else {
      scores = scores_chain(consumers, x);
    }
    if (!scores) continue;
    Node* mm = scores->matmul;
    const bool tb = mm->attrs.get_bool("transpose_b", false);
    Operand q = through_transpose({mm->inputs[0], "bhsd"});
    Operand k = through_transpose({mm->inputs[1], tb ? "bhsd" : "bhds"});
    Operand v = through_transpose({ctx->inputs[1], "bhsd"});

    // The output: straight into the layout of a Transpose that only reorders the context.
    Node* last = ctx;
    std::string out_layout = "bhsd";
    if (single_reader(consumers, ctx)) {
      Node* t = consumers[ctx][0];
      if (auto order = transpose_order(t)) {
        for (size_t i = 0; i < 4; ++i) out_layout[i] = "bhsd"[(*order)[i]];
        last = t;
      }
    }

    std::vector<Edge> inputs = {q.edge, k.edge, v.edge};
    if (mask) inputs.push_back(*mask);
    Node* att = graph.add_node("Attention", 1, ctx->name + "/attention", inputs, 1);
    att->attrs.set("layout_q", q.layout);
    att->attrs.set("layout_k", k.layout);
    att->attrs.set("layout_v", v.layout);
    att->attrs.set("layout_out", out_layout);
    att->attrs.set("scale_mode", scores->scale_mode);
    if (scores->scale) att->attrs.set("scale", float_text(scores->scale_value));
    for (const Node* n : {mm, scores->scale, add, sm, ctx, last == ctx ? nullptr : last})
      if (n) att->fused_names.push_back(n->name);
    replace_output(graph, last, att);
    ++fused;
  }
  return finish_rewrites(graph, fused);
}

}  // namespace sparrow::passes
