#include "passes/fuse_embeddings.h"

#include <algorithm>
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

// A Gather of rows of an f32 [V, H] constant, read only by `reader`.
bool embedding_lookup(const Consumers& consumers, const Edge& e, const Node* reader) {
  const Node* g = e.node;
  if (g->type != "Gather" || e.port != 0 || g->inputs.size() != 3 || !only_reader(consumers, g, reader)) return false;
  if (g->attrs.get_int("batch_dims", 0) != 0 || !g->input_is_constant(0) || !g->input_is_constant(2)) return false;
  const Tensor& table = g->input_value(0);
  if (table.element_type() != ElementType::f32 || table.shape().size() != 2) return false;
  const Tensor& axis = g->input_value(2);
  if (!is_integral(axis.element_type()) || axis.size() != 1) return false;
  return graph::ops::read_ints(axis, "axis")[0] == 0 && is_integral(g->input_type(1));
}

bool plain_add(const Node* n) {
  return n->type == "Add" && n->inputs.size() == 2 && n->outputs[0].type == ElementType::f32 &&
         n->attrs.get_lowercase("auto_broadcast", "numpy") == "numpy";
}

// The Gathers of an Add chain in evaluation order, or nothing.
std::optional<std::vector<Node*>> lookups(const Consumers& consumers, Node* add, std::vector<Node*>& adds) {
  adds.push_back(add);
  for (int side = 0; side < 2; ++side) {
    const Edge leaf = add->inputs[side], other = add->inputs[1 - side];
    if (!embedding_lookup(consumers, leaf, add)) continue;
    if (embedding_lookup(consumers, other, add)) return std::vector<Node*>{other.node, leaf.node};
    if (plain_add(other.node) && other.port == 0 && only_reader(consumers, other.node, add)) {
      auto inner = lookups(consumers, other.node, adds);
      if (!inner) return {};
      inner->push_back(leaf.node);
      return inner;
    }
  }
  return {};
}

}  // namespace

int fuse_embeddings(graph::Graph& graph) {
  Consumers consumers = consumers_of(graph);

  int fused = 0;
  std::vector<Node*> order = graph.topological_order();
  std::reverse(order.begin(), order.end());  // outermost Add of a chain first
  std::map<const Node*, bool> taken;
  for (Node* add : order) {
    if (!plain_add(add) || taken[add]) continue;
    std::vector<Node*> adds;
    auto gathers = lookups(consumers, add, adds);
    if (!gathers) continue;
    const int64_t H = (*gathers)[0]->input_value(0).shape()[1];
    bool same_width = true, v8 = (*gathers)[0]->version >= 8, same_version = true;
    for (const Node* g : *gathers) {
      same_width = same_width && g->input_value(0).shape()[1] == H;
      same_version = same_version && (g->version >= 8) == v8;
    }
    if (!same_width || !same_version) continue;
    std::vector<Edge> inputs;
    std::vector<std::string> names;
    for (const Node* g : *gathers) {
      inputs.push_back(g->inputs[0]);
      inputs.push_back(g->inputs[1]);
      names.push_back(g->name);
    }
    for (const Node* a : adds) {
      names.push_back(a->name);
      taken[a] = true;
    }
    Node* sum = graph.add_node("EmbeddingSum", 1, add->name + "/embedding_sum", inputs, 1);
    sum->attrs.set("negative_indices", v8 ? "true" : "false");
    sum->fused_names = names;
    replace_output(graph, add, sum);
    ++fused;
  }
  return finish_rewrites(graph, fused);
}

}  // namespace sparrow::passes
