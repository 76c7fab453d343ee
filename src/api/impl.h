// The state behind the public handles (include/sparrow/core.h).
#pragma once

#include <memory>
#include <vector>

#include "graph/graph.h"
#include "runtime/async_request.h"
#include "runtime/compiler.h"
#include "runtime/streams.h"
#include "sparrow/core.h"

namespace sparrow {

struct Model::Impl {
  std::unique_ptr<graph::Graph> graph;
  std::vector<Port> inputs;
  std::vector<Port> outputs;
  void refresh_ports();
};

struct CompiledModel::Impl {
  std::unique_ptr<runtime::CompiledGraph> compiled;
  std::string name;
  std::vector<Port> inputs;
  std::vector<Port> outputs;
  std::unique_ptr<runtime::Streams> streams;  // declared last: its threads stop first
};

struct InferRequest::Impl {
  explicit Impl(std::shared_ptr<CompiledModel::Impl> m);
  std::shared_ptr<CompiledModel::Impl> model;  // declared first: outlives the request below
  runtime::AsyncRequest request;
};

// Ports of a graph's parameters and results, in order.
std::vector<Port> input_ports(const graph::Graph& g);
std::vector<Port> output_ports(const graph::Graph& g);
std::vector<LayerInfo> describe_layers(const graph::Graph& g);
// The index of the port that has `name` among its names; throws listing the available names.
size_t find_port(const std::vector<Port>& ports, const std::string& name, const char* what);

}  // namespace sparrow
