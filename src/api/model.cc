#include "api/impl.h"
#include "graph/shape_inference.h"

namespace sparrow {

std::vector<Port> input_ports(const graph::Graph& g) {
  std::vector<Port> ports;
  for (const graph::Node* p : g.parameters()) {
    const graph::OutputPort& out = p->outputs.at(0);
    Port port{ports.size(), out.names.empty() ? p->name : out.names[0], out.names, out.type, out.shape};
    if (port.names.empty()) port.names = {p->name};
    ports.push_back(std::move(port));
  }
  return ports;
}

std::vector<Port> output_ports(const graph::Graph& g) {
  std::vector<Port> ports;
  for (const graph::Node* r : g.results()) {
    const graph::Edge& e = r->inputs.at(0);
    const graph::OutputPort& out = e.node->outputs.at(e.port);
    Port port{ports.size(), out.names.empty() ? e.node->name : out.names[0], out.names, out.type, out.shape};
    if (port.names.empty()) port.names = {port.name};
    ports.push_back(std::move(port));
  }
  return ports;
}

size_t find_port(const std::vector<Port>& ports, const std::string& name, const char* what) {
  std::string known;
  for (const Port& p : ports) {
    for (const std::string& n : p.names)
      if (n == name) return p.index;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  fail("the model has no ", what, " named '", name, "' (its ", what, "s: ", known, ")");
}

void Model::Impl::refresh_ports() {
  inputs = input_ports(*graph);
  outputs = output_ports(*graph);
}

const std::string& Model::name() const { return impl_->graph->name; }
const std::vector<Port>& Model::inputs() const { return impl_->inputs; }
const std::vector<Port>& Model::outputs() const { return impl_->outputs; }
const Port& Model::input(const std::string& name) const { return impl_->inputs[find_port(impl_->inputs, name, "input")]; }
const Port& Model::output(const std::string& name) const {
  return impl_->outputs[find_port(impl_->outputs, name, "output")];
}

void Model::reshape(const std::map<std::string, PartialShape>& shapes) {
  std::unique_ptr<graph::Graph> g = impl_->graph->clone();
  for (const auto& [name, shape] : shapes) {
    size_t i = find_port(impl_->inputs, name, "input");
    graph::OutputPort& port = g->parameters()[i]->outputs[0];
    SPARROW_CHECK(shape.rank_is_dynamic() || port.shape.rank_is_dynamic() || shape.rank() == port.shape.rank(),
                  "reshape: input '", name, "' has rank ", port.shape.rank(), ", the new shape ", shape.to_string(),
                  " has rank ", shape.rank());
    port.shape = shape;
    g->parameters()[i]->attrs.set("shape", shape.to_string().substr(1, shape.to_string().size() - 2));
  }
  try {
    graph::infer_shapes(*g, graph::DeclaredShapes::kReplace);
  } catch (const Error& e) {
    fail("reshape failed: ", e.what());
  }
  impl_->graph = std::move(g);
  impl_->refresh_ports();
}

void Model::reshape(const PartialShape& shape) {
  std::map<std::string, PartialShape> shapes;
  for (const Port& p : impl_->inputs) shapes[p.name] = shape;
  reshape(shapes);
}

}  // namespace sparrow
