// The graph IR: nodes with typed, shaped output ports, connected by edges from an input to a producer's
// output port. The graph knows op types by name and nothing of ISAs or kernels beyond the kernel name that
// the last pass records on each node.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/attributes.h"
#include "sparrow/element_type.h"
#include "sparrow/shape.h"
#include "sparrow/tensor.h"

namespace sparrow::graph {

struct Node;

// An output port of a node: what an input is connected to.
struct Edge {
  Node* node = nullptr;
  int port = 0;
  friend bool operator==(const Edge&, const Edge&) = default;
};

struct OutputPort {
  ElementType type = ElementType::undefined;
  PartialShape shape = PartialShape::dynamic_rank();
  std::vector<std::string> names;  // tensor names (the IR's port "names"); outputs of the model are found by them
};

struct Node {
  std::string name;
  std::string type;      // "MatMul", "FakeQuantize", ...
  int version = 1;       // the op's version (Gather from opset8 is version 8)
  int64_t source_id = -1;  // the IR layer id, for error messages; -1 for nodes made by passes
  Attributes attrs;
  std::vector<Edge> inputs;
  std::vector<OutputPort> outputs;
  Tensor value;             // the payload of a Const
  std::string exec_type;    // kernel chosen for this node ("ref" until a pass binds a faster one)
  std::vector<std::string> fused_names;  // names of source nodes a fusion pass folded into this node
  // A linear layer whose kernel holds its weights packed, the Const's own copy released: what `info` and
  // CompiledModel::layers report about those weights.
  struct WeightSummary {
    Shape shape;
    ElementType type = ElementType::undefined;
    double zero_fraction = 0;
    double zero_group_fraction = 0;  // all-zero groups of 4 input channels (graph/weights.h)
    size_t bytes = 0;
    std::string format;     // the packed weight format: dense, bitmask, groups (docs/weight_formats.md)
    size_t packed_bytes = 0;  // what the packed copy takes
  };
  std::optional<WeightSummary> packed_weights;

  ElementType input_type(size_t i) const { return inputs[i].node->outputs[inputs[i].port].type; }
  const PartialShape& input_shape(size_t i) const { return inputs[i].node->outputs[inputs[i].port].shape; }
  bool input_is_constant(size_t i) const { return inputs[i].node->type == "Const"; }
  const Tensor& input_value(size_t i) const { return inputs[i].node->value; }
  // "MatMul 'encoder.layer.0.attention.self.query/MatMul'" for messages.
  std::string describe() const;
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  std::string name;

  Node* add_node(std::string type, int version, std::string name, std::vector<Edge> inputs, size_t num_outputs);
  Node* add_constant(std::string name, Tensor value);
  // A model input: type and shape go to its output port and its "element_type"/"shape" attributes.
  Node* add_parameter(std::string name, ElementType type, PartialShape shape);
  Node* add_result(std::string name, Edge input);

  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<Node*>& parameters() const { return parameters_; }
  const std::vector<Node*>& results() const { return results_; }
  // Declares parameter/result order explicitly (the IR reader sorts them as OpenVINO does).
  void set_parameters(std::vector<Node*> parameters) { parameters_ = std::move(parameters); }
  void set_results(std::vector<Node*> results) { results_ = std::move(results); }

  // Nodes in an order where every producer precedes its consumers. Throws naming a node on a cycle.
  std::vector<Node*> topological_order() const;
  // Points every input that reads `from` at `to` instead.
  void replace_uses(Edge from, Edge to);
  // Drops nodes that no result depends on; parameters always stay.
  void remove_dead_nodes();
  std::unique_ptr<Graph> clone() const;

 private:
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Node*> parameters_;
  std::vector<Node*> results_;
};

}  // namespace sparrow::graph
