#include "runtime/compiler.h"

#include "graph/shape_inference.h"
#include "passes/constant_folding.h"

namespace sparrow::runtime {

std::unique_ptr<CompiledGraph> compile(const graph::Graph& model, const Config& config) {
  auto out = std::make_unique<CompiledGraph>();
  out->config = config;
  out->graph = model.clone();
  passes::fold_constants(*out->graph);
  // Folding can make shapes more precise (a folded reshape target); refresh them.
  graph::infer_shapes(*out->graph, graph::DeclaredShapes::kReplace);
  out->executor = std::make_unique<Executor>(*out->graph);
  return out;
}

}  // namespace sparrow::runtime
