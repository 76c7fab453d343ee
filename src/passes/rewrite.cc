#include "passes/rewrite.h"

#include <cstdio>

#include "graph/op_registry.h"
#include "graph/shape_inference.h"

namespace sparrow::passes {

Consumers consumers_of(const graph::Graph& graph) {
  Consumers out;
  for (const auto& n : graph.nodes())
    for (const graph::Edge& e : n->inputs) out[e.node].push_back(n.get());
  return out;
}

bool single_reader(const Consumers& consumers, const graph::Node* n) {
  auto it = consumers.find(n);
  return it != consumers.end() && it->second.size() == 1;
}

bool only_reader(const Consumers& consumers, const graph::Node* n, const graph::Node* reader) {
  return single_reader(consumers, n) && consumers.at(n)[0] == reader;
}

void replace_output(graph::Graph& graph, graph::Node* replaced, graph::Node* fused) {
  fused->outputs = graph::infer_node(*fused);
  fused->outputs[0].names = replaced->outputs[0].names;
  graph.replace_uses({replaced, 0}, {fused, 0});
}

int finish_rewrites(graph::Graph& graph, int rewritten) {
  if (rewritten) {
    graph.remove_dead_nodes();
    graph::infer_shapes(graph, graph::DeclaredShapes::kReplace);
  }
  return rewritten;
}

std::string float_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(static_cast<float>(v)));
  return buf;
}

}  // namespace sparrow::passes
