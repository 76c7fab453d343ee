#include "graph/graph.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sparrow/error.h"

namespace sparrow::graph {

std::string Node::describe() const { return type + " '" + name + "'"; }

Node* Graph::add_node(std::string type, int version, std::string name, std::vector<Edge> inputs,
                      size_t num_outputs) {
  auto node = std::make_unique<Node>();
  node->type = std::move(type);
  node->version = version;
  node->name = std::move(name);
  node->inputs = std::move(inputs);
  node->outputs.resize(num_outputs);
  node->exec_type = "ref";
  nodes_.push_back(std::move(node));
  return nodes_.back().get();
}

Node* Graph::add_constant(std::string name, Tensor value) {
  Node* n = add_node("Const", 1, std::move(name), {}, 1);
  n->outputs[0].type = value.element_type();
  n->outputs[0].shape = PartialShape(value.shape());
  n->attrs.set("element_type", std::string(to_string(value.element_type())));
  n->value = std::move(value);
  return n;
}

Node* Graph::add_parameter(std::string name, ElementType type, PartialShape shape) {
  Node* n = add_node("Parameter", 1, name, {}, 1);
  n->outputs[0].type = type;
  n->outputs[0].shape = shape;
  n->outputs[0].names = {std::move(name)};
  n->attrs.set("element_type", std::string(to_string(type)));
  parameters_.push_back(n);
  return n;
}

Node* Graph::add_result(std::string name, Edge input) {
  Node* n = add_node("Result", 1, std::move(name), {input}, 0);
  results_.push_back(n);
  return n;
}

std::vector<Node*> Graph::topological_order() const {
  // Iterative DFS with three colours so that deep graphs cannot overflow the stack.
  enum Colour : uint8_t { kWhite, kGrey, kBlack };
  std::unordered_map<const Node*, Colour> colour;
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  for (const auto& root : nodes_) {
    if (colour[root.get()] != kWhite) continue;
    std::vector<std::pair<Node*, size_t>> stack{{root.get(), 0}};
    colour[root.get()] = kGrey;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs.size()) {
        Node* producer = node->inputs[next++].node;
        SPARROW_CHECK(producer != nullptr, node->describe(), ": input ", next - 1, " is not connected");
        Colour c = colour[producer];
        SPARROW_CHECK(c != kGrey, "the graph has a cycle through ", producer->describe(), " and ",
                      node->describe());
        if (c == kWhite) {
          colour[producer] = kGrey;
          stack.emplace_back(producer, 0);
        }
      } else {
        colour[node] = kBlack;
        order.push_back(node);
        stack.pop_back();
      }
    }
  }
  return order;
}

void Graph::replace_uses(Edge from, Edge to) {
  for (const auto& n : nodes_)
    for (Edge& e : n->inputs)
      if (e == from) e = to;
}

void Graph::remove_dead_nodes() {
  std::unordered_set<const Node*> live(parameters_.begin(), parameters_.end());
  std::vector<const Node*> work(results_.begin(), results_.end());
  while (!work.empty()) {
    const Node* n = work.back();
    work.pop_back();
    if (!live.insert(n).second && n->type != "Parameter") continue;
    for (const Edge& e : n->inputs)
      if (!live.count(e.node)) work.push_back(e.node);
  }
  std::erase_if(nodes_, [&](const std::unique_ptr<Node>& n) { return !live.count(n.get()); });
}

std::unique_ptr<Graph> Graph::clone() const {
  auto g = std::make_unique<Graph>();
  g->name = name;
  std::unordered_map<const Node*, Node*> map;
  for (const auto& n : nodes_) {
    auto copy = std::make_unique<Node>(*n);
    map[n.get()] = copy.get();
    g->nodes_.push_back(std::move(copy));
  }
  for (const auto& n : g->nodes_)
    for (Edge& e : n->inputs) e.node = map.at(e.node);
  for (Node* p : parameters_) g->parameters_.push_back(map.at(p));
  for (Node* r : results_) g->results_.push_back(map.at(r));
  return g;
}

}  // namespace sparrow::graph
