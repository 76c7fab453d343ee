#include "passes/fuse_layernorm.h"

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

bool is_f32(const Edge& e) { return e.node->outputs[e.port].type == ElementType::f32; }

// The static size of the last axis of an edge, or -1.
int64_t last_dim(const Edge& e) {
  const PartialShape& s = e.node->outputs[e.port].shape;
  if (s.rank_is_dynamic() || s.rank() == 0) return -1;
  return s.dims().back();
}

// An f32 constant of n values laid along the last axis ([n], [1, n], [1, 1, n]), of rank <= rank.
bool per_last_axis(const Edge& e, int64_t n, size_t rank) {
  const Node* c = e.node;
  if (c->type != "Const" || c->value.element_type() != ElementType::f32) return false;
  const Shape& s = c->value.shape();
  if (s.empty() || s.size() > rank || s.back() != n) return false;
  for (size_t i = 0; i + 1 < s.size(); ++i)
    if (s[i] != 1) return false;
  return true;
}

// The other input of a binary node whose input `side` is `from`: the constant operand of Multiply / Add.
std::optional<Edge> constant_operand(const Node* n, const Node* from, int64_t len, size_t rank) {
  if (n->inputs.size() != 2) return {};
  for (int side = 0; side < 2; ++side)
    if (n->inputs[side].node == from && per_last_axis(n->inputs[1 - side], len, rank)) return n->inputs[1 - side];
  return {};
}

bool numpy_broadcast(const Node* n) { return n->attrs.get_lowercase("auto_broadcast", "numpy") == "numpy"; }

}  // namespace

int fuse_layernorm(graph::Graph& graph) {
  Consumers consumers = consumers_of(graph);

  int fused = 0;
  for (Node* mvn : graph.topological_order()) {
    if (mvn->type != "MVN" || mvn->version < 6 || mvn->inputs.size() != 2 || !is_f32(mvn->inputs[0])) continue;
    if (!mvn->attrs.get_bool("normalize_variance", false) || !mvn->input_is_constant(1)) continue;
    const PartialShape& in_shape = mvn->input_shape(0);
    if (in_shape.rank_is_dynamic() || in_shape.rank() == 0) continue;
    const int64_t rank = static_cast<int64_t>(in_shape.rank());
    const Tensor& axes = mvn->input_value(1);
    if (!is_integral(axes.element_type()) || axes.size() != 1) continue;
    const int64_t axis = graph::ops::read_ints(axes, "axes")[0];
    if (axis != -1 && axis != rank - 1) continue;
    const int64_t n = last_dim(mvn->inputs[0]);
    if (n <= 0 || mvn->inputs[0].port != 0) continue;

    // MVN -> Multiply(gamma) -> Add(beta), each read only by the next.
    if (!single_reader(consumers, mvn)) continue;
    Node* mul = consumers[mvn][0];
    if (mul->type != "Multiply" || !numpy_broadcast(mul) || !single_reader(consumers, mul)) continue;
    std::optional<Edge> gamma = constant_operand(mul, mvn, n, in_shape.rank());
    if (!gamma) continue;
    Node* add = consumers[mul][0];
    if (add->type != "Add" || !numpy_broadcast(add)) continue;
    std::optional<Edge> beta = constant_operand(add, mul, n, in_shape.rank());
    if (!beta) continue;

    // The residual sum, when nothing else reads it.
    Node* x = mvn->inputs[0].node;
    std::vector<Edge> inputs = {mvn->inputs[0], *gamma, *beta};
    std::vector<std::string> names;
    if (x->type == "Add" && x->inputs.size() == 2 && numpy_broadcast(x) && single_reader(consumers, x) &&
        is_f32(x->inputs[0]) && is_f32(x->inputs[1])) {
      inputs = {x->inputs[0], *gamma, *beta, x->inputs[1]};
      names.push_back(x->name);
    }
    Node* ln = graph.add_node("LayerNorm", 1, mvn->name + "/layernorm", inputs, 1);
    ln->attrs.set("eps", mvn->attrs.get_string("eps"));
    ln->attrs.set("eps_mode", mvn->attrs.get_string("eps_mode"));
    for (const Node* f : {mvn, mul, add}) names.push_back(f->name);
    ln->fused_names = names;
    replace_output(graph, add, ln);
    ++fused;
  }
  return finish_rewrites(graph, fused);
}

}  // namespace sparrow::passes
