// The last step of compilation: nodes that a fast kernel can run get one, with the data it needs prepared
// once (packed weights), and the kernel's name goes on the node (exec_type) for `sparrow info`, bench -pc
// and the tests that check which kernel ran. Everything else keeps its reference op.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <vector>

#include "base/isa.h"
#include "graph/graph.h"
#include "runtime/weight_format.h"

namespace sparrow::runtime {

// A node's fast implementation. run() takes the node's input tensors and returns its outputs; it may be
// called by several streams at once (prepared data is read-only) and splits its work over the calling
// stream's threads (base::parallel_for).
class BoundKernel {
 public:
  virtual ~BoundKernel() = default;
  virtual std::vector<Tensor> run(std::span<const Tensor> inputs) const = 0;
};

using KernelBindings = std::map<const graph::Node*, std::shared_ptr<const BoundKernel>>;

// Binds kernels no higher than `max_isa` and records each choice on its node. Quantized linear layers get
// the weight format that `sparse` chooses for their zero pattern (runtime/weight_format.h); with
// SPARROW_VERBOSE=sparse each choice and its reason go to stderr.
KernelBindings bind_kernels(graph::Graph& graph, base::Isa max_isa, const SparseWeightsPolicy& sparse = {});

}  // namespace sparrow::runtime
