// Runs a compiled graph: nodes in topological order, each on its kernel, values in numbered slots that are
// released after their last use. Shapes may change from one inference to the next (dynamic models).
#pragma once

#include <atomic>
#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "base/arena.h"
#include "graph/graph.h"
#include "runtime/kernel_binding.h"

namespace sparrow::runtime {

// Time spent in one node during the last inference (for PERF_COUNT / bench -pc).
struct NodeProfile {
  std::string name;
  std::string type;
  std::string exec_type;
  std::chrono::nanoseconds time{0};      // wall time
  std::chrono::nanoseconds cpu_time{0};  // CPU time of the running thread and its stream's pool
};

// What one stream reuses from one inference to the next: the activation arena and the slot tables.
struct ExecutionScratch {
  std::shared_ptr<base::Arena> arena = base::Arena::make();
  std::vector<Tensor> slots;
  std::vector<Tensor> args;
};

class Executor {
 public:
  // The graph must outlive the executor and must not change afterwards. Nodes in `kernels` run on their
  // bound kernel, the others on their reference op.
  explicit Executor(const graph::Graph& graph, KernelBindings kernels = {});

  // `inputs` in parameter order, already checked against the parameters; returns outputs in result order.
  // Safe to call from several threads at once, each with its own scratch. If `cancel` becomes true, the run
  // stops before the next node and throws Error.
  std::vector<Tensor> run(std::span<const Tensor> inputs, ExecutionScratch& scratch,
                          std::vector<NodeProfile>* profile = nullptr,
                          const std::atomic<bool>* cancel = nullptr) const;
  std::vector<Tensor> run(std::span<const Tensor> inputs) const {
    ExecutionScratch scratch;
    return run(inputs, scratch);
  }

 private:
  struct Step {
    const graph::Node* node;
    const BoundKernel* kernel;  // nullptr: the reference op
    std::vector<int> input_slots;
    std::vector<int> output_slots;
    std::vector<int> release;  // slots whose last reader is this step
  };
  KernelBindings kernels_;
  std::vector<Step> steps_;
  std::vector<Tensor> constants_;        // slot values that never change (Const nodes)
  std::vector<int> constant_slots_;
  std::vector<int> parameter_slots_;
  std::vector<int> result_slots_;
  int num_slots_ = 0;
};

}  // namespace sparrow::runtime
