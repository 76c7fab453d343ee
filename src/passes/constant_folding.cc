// Before: Const(a) -> Convert -> Multiply(Const s)        ShapeOf(x:[1,64,768]) -> Gather -> Concat ->
// Reshape After:  Const(a*s)                                      Const([1,64,12,64]) -> Reshape Fires on
// nodes whose op is foldable and whose inputs are all Const, and on ShapeOf of a static shape. Shapes are
// re-inferred node by node during the pass, so chains of shape subgraphs fold in one sweep.
#include "passes/constant_folding.h"

#include <cstring>

#include "graph/op_registry.h"

namespace sparrow::passes {
namespace {

Tensor shape_tensor(const Shape& shape, ElementType type) {
  Tensor t(type, {static_cast<int64_t>(shape.size())});
  for (size_t i = 0; i < shape.size(); ++i) {
    if (type == ElementType::i32)
      t.data<int32_t>()[i] = static_cast<int32_t>(shape[i]);
    else
      t.data<int64_t>()[i] = shape[i];
  }
  return t;
}

bool all_inputs_constant(const graph::Node& node) {
  for (size_t i = 0; i < node.inputs.size(); ++i)
    if (!node.input_is_constant(i)) return false;
  return true;
}

}  // namespace

int fold_constants(graph::Graph& graph) {
  const auto& registry = graph::OpRegistry::instance();
  int folded = 0;
  for (graph::Node* node : graph.topological_order()) {
    if (node->type == "Const" || node->type == "Parameter" || node->type == "Result") continue;
    // Inputs folded earlier in this pass may make this node's shapes precise (a Reshape whose target just
    // became constant), which in turn lets a ShapeOf below it fold: refresh before deciding.
    std::vector<graph::OutputPort> refreshed = graph::infer_node(*node);
    for (size_t i = 0; i < refreshed.size() && i < node->outputs.size(); ++i) {
      node->outputs[i].type = refreshed[i].type;
      node->outputs[i].shape = refreshed[i].shape;
    }
    const graph::OpDef* def = registry.find(node->type);
    if (!def || !def->foldable) continue;
    std::vector<Tensor> values;
    if (node->type == "ShapeOf" && node->input_shape(0).is_static()) {
      values.push_back(shape_tensor(node->input_shape(0).to_shape(), node->outputs[0].type));
    } else if (all_inputs_constant(*node)) {
      std::vector<Tensor> inputs;
      for (size_t i = 0; i < node->inputs.size(); ++i) inputs.push_back(node->input_value(i));
      values = graph::evaluate_node(*node, inputs);
    } else {
      continue;
    }
    for (size_t port = 0; port < values.size(); ++port) {
      std::string name = node->name;
      if (values.size() > 1) name.append(":").append(std::to_string(port));
      graph::Node* c = graph.add_constant(std::move(name), std::move(values[port]));
      c->outputs[0].names = node->outputs[port].names;
      graph.replace_uses({node, static_cast<int>(port)}, {c, 0});
    }
    ++folded;
  }
  graph.remove_dead_nodes();
  return folded;
}

}  // namespace sparrow::passes
