#include "runtime/compiler.h"

#include <cstdlib>
#include <set>
#include <sstream>

#include "graph/shape_inference.h"
#include "passes/constant_folding.h"
#include "passes/fuse_attention.h"
#include "passes/fuse_embeddings.h"
#include "passes/fuse_layernorm.h"
#include "passes/quantize_linear.h"
#include "passes/quantized_epilogue.h"
#include "runtime/kernel_binding.h"

namespace sparrow::runtime {
namespace {

// SPARROW_DISABLE_PASSES=name[,name...] turns optional passes off (docs/knobs.md): the model then runs on
// the reference ops, which is how tests compare the fast path with the plain one.
std::set<std::string> disabled_passes() {
  static const std::set<std::string> known = {"quantize_linear", "fuse_attention", "fuse_embeddings",
                                                  "fuse_layernorm", "quantized_epilogue"};
  std::set<std::string> out;
  const char* env = std::getenv("SPARROW_DISABLE_PASSES");
  if (!env) return out;
  std::stringstream list(env);
  for (std::string name; std::getline(list, name, ',');) {
    if (name.empty()) continue;
    SPARROW_CHECK(known.count(name), "SPARROW_DISABLE_PASSES: unknown pass '", name,
                  "' (known: quantize_linear, fuse_attention, fuse_embeddings, fuse_layernorm, quantized_epilogue)");
    out.insert(name);
  }
  return out;
}

}  // namespace

std::unique_ptr<CompiledGraph> compile(const graph::Graph& model, const Config& config) {
  auto out = std::make_unique<CompiledGraph>();
  out->config = config;
  out->graph = model.clone();
  const std::set<std::string> disabled = disabled_passes();
  // Before folding, which would turn the int8 weight chains into f32 constants.
  if (!disabled.count("quantize_linear")) passes::quantize_linear(*out->graph);
  passes::fold_constants(*out->graph);
  // Folding can make shapes more precise (a folded reshape target); refresh them.
  graph::infer_shapes(*out->graph, graph::DeclaredShapes::kReplace);
  // After folding, which makes computed scales and Transpose orders constants.
  if (!disabled.count("fuse_attention")) passes::fuse_attention(*out->graph);
  if (!disabled.count("fuse_embeddings")) passes::fuse_embeddings(*out->graph);
  if (!disabled.count("fuse_layernorm")) passes::fuse_layernorm(*out->graph);
  if (!disabled.count("quantized_epilogue")) passes::quantized_epilogue(*out->graph);
  out->executor = std::make_unique<Executor>(*out->graph, bind_kernels(*out->graph, config.max_isa, config.sparse_weights));
  return out;
}

}  // namespace sparrow::runtime
