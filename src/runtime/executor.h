// Runs a compiled graph: nodes in topological order, each on its kernel, values in numbered slots that are
// released after their last use. Shapes may change from one inference to the next (dynamic models).
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace sparrow::runtime {

// Time spent in one node during the last inference (for PERF_COUNT / bench -pc).
struct NodeProfile {
  std::string name;
  std::string type;
  std::string exec_type;
  std::chrono::nanoseconds time{0};
};

class Executor {
 public:
  // The graph must outlive the executor and must not change afterwards.
  explicit Executor(const graph::Graph& graph);

  // `inputs` in parameter order, already checked against the parameters; returns outputs in result order.
  std::vector<Tensor> run(std::span<const Tensor> inputs, std::vector<NodeProfile>* profile = nullptr) const;

 private:
  struct Step {
    const graph::Node* node;
    std::vector<int> input_slots;
    std::vector<int> output_slots;
    std::vector<int> release;  // slots whose last reader is this step
  };
  std::vector<Step> steps_;
  std::vector<Tensor> constants_;        // slot values that never change (Const nodes)
  std::vector<int> constant_slots_;
  std::vector<int> parameter_slots_;
  std::vector<int> result_slots_;
  int num_slots_ = 0;
};

}  // namespace sparrow::runtime
