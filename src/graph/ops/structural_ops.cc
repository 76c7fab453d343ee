#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::graph {

void register_structural_ops(OpRegistry& r) {
  r.add({"Parameter",
         {1},
         0,
         0,
         [](const Node& node, std::span<const ValueInfo>) { return node.outputs; },
         [](const Node& node, std::span<const Tensor>) -> std::vector<Tensor> {
           fail("a Parameter is never evaluated: its value is a model input");
         },
         false});
  r.add({"Const",
         {1},
         0,
         0,
         [](const Node& node, std::span<const ValueInfo>) -> std::vector<OutputPort> {
           SPARROW_CHECK(node.value.element_type() != ElementType::undefined, "the constant has no value");
           OutputPort port;
           port.type = node.value.element_type();
           port.shape = PartialShape(node.value.shape());
           return {port};
         },
         [](const Node& node, std::span<const Tensor>) -> std::vector<Tensor> { return {node.value}; }});
  r.add({"Result",
         {1},
         1,
         1,
         [](const Node&, std::span<const ValueInfo>) { return std::vector<OutputPort>{}; },
         [](const Node&, std::span<const Tensor>) { return std::vector<Tensor>{}; },
         false});
}

}  // namespace sparrow::graph
