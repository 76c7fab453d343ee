// From a model's graph to something that runs: clone, constant folding, dead-node removal, execution plan.
#pragma once

#include <memory>

#include "graph/graph.h"
#include "runtime/config.h"
#include "runtime/executor.h"

namespace sparrow::runtime {

struct CompiledGraph {
  std::unique_ptr<graph::Graph> graph;
  std::unique_ptr<Executor> executor;
  Config config;
};

// `model` must already carry inferred shapes (Core::read_model and Model::reshape guarantee it).
std::unique_ptr<CompiledGraph> compile(const graph::Graph& model, const Config& config);

}  // namespace sparrow::runtime
