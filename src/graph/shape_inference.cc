#include "graph/shape_inference.h"

#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::graph {
namespace {

// The more precise of two compatible shapes: known dimensions win over dynamic ones.
PartialShape merge(const PartialShape& declared, const PartialShape& inferred) {
  if (declared.rank_is_dynamic()) return inferred;
  if (inferred.rank_is_dynamic()) return declared;
  PartialShape out = declared;
  for (size_t i = 0; i < out.rank(); ++i)
    if (out[i] < 0) out[i] = inferred[i];
  return out;
}

}  // namespace

void infer_shapes(Graph& graph, DeclaredShapes mode) {
  for (Node* node : graph.topological_order()) {
    if (node->type == "Parameter") continue;
    std::vector<OutputPort> inferred = infer_node(*node);
    SPARROW_CHECK(inferred.size() == node->outputs.size(), node->describe(), ": has ", node->outputs.size(),
                  " output ports, the op defines ", inferred.size());
    for (size_t i = 0; i < inferred.size(); ++i) {
      OutputPort& port = node->outputs[i];
      const OutputPort& got = inferred[i];
      if (mode == DeclaredShapes::kCheck && port.type != ElementType::undefined) {
        SPARROW_CHECK(port.type == got.type, node->describe(), ": output ", i, " is declared ", to_string(port.type),
                      " but the op produces ", to_string(got.type));
        SPARROW_CHECK(port.shape.compatible(got.shape), node->describe(), ": output ", i, " is declared with shape ",
                      port.shape.to_string(), " but the op produces ", got.shape.to_string());
        port.shape = merge(port.shape, got.shape);
      } else {
        port.type = got.type;
        port.shape = got.shape;
      }
    }
  }
}

}  // namespace sparrow::graph
