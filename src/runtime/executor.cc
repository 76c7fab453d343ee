#include "runtime/executor.h"

#include <map>

#include "base/thread_pool.h"
#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::runtime {

Executor::Executor(const graph::Graph& graph, KernelBindings kernels) : kernels_(std::move(kernels)) {
  std::map<std::pair<const graph::Node*, int>, int> slot_of;
  auto slot = [&](const graph::Node* n, int port) {
    auto [it, inserted] = slot_of.try_emplace({n, port}, num_slots_);
    if (inserted) ++num_slots_;
    return it->second;
  };
  for (const graph::Node* p : graph.parameters()) parameter_slots_.push_back(slot(p, 0));

  std::map<int, size_t> last_reader;  // slot -> step index
  for (const graph::Node* node : graph.topological_order()) {
    if (node->type == "Parameter") continue;
    if (node->type == "Const") {
      constant_slots_.push_back(slot(node, 0));
      constants_.push_back(node->value);
      continue;
    }
    if (node->type == "Result") continue;
    auto bound = kernels_.find(node);
    Step step{node, bound == kernels_.end() ? nullptr : bound->second.get(), {}, {}, {}};
    for (const graph::Edge& e : node->inputs) step.input_slots.push_back(slot(e.node, e.port));
    for (size_t port = 0; port < node->outputs.size(); ++port)
      step.output_slots.push_back(slot(node, static_cast<int>(port)));
    for (int s : step.input_slots) last_reader[s] = steps_.size();
    steps_.push_back(std::move(step));
  }
  for (const graph::Node* r : graph.results()) {
    const graph::Edge& e = r->inputs.at(0);
    int s = slot(e.node, e.port);
    result_slots_.push_back(s);
    last_reader.erase(s);  // results are read after the last step
  }
  for (int s : constant_slots_) last_reader.erase(s);
  for (auto [s, step] : last_reader) steps_[step].release.push_back(s);
}

namespace {

std::chrono::nanoseconds stream_cpu_time() {
  auto t = base::thread_cpu_time();
  if (const base::ThreadPool* pool = base::ThreadPool::current()) t += pool->helpers_cpu_time();
  return t;
}

}  // namespace

std::vector<Tensor> Executor::run(std::span<const Tensor> inputs, ExecutionScratch& scratch,
                                  std::vector<NodeProfile>* profile, const std::atomic<bool>* cancel) const {
  SPARROW_CHECK(inputs.size() == parameter_slots_.size(), "expected ", parameter_slots_.size(), " inputs, got ",
                inputs.size());
  // Every tensor the ops make during this run takes its buffer from the stream's arena.
  base::Arena::Scope arena_scope(scratch.arena.get());
  std::vector<Tensor>& slots = scratch.slots;
  slots.assign(num_slots_, Tensor());
  for (size_t i = 0; i < constant_slots_.size(); ++i) slots[constant_slots_[i]] = constants_[i];
  for (size_t i = 0; i < inputs.size(); ++i) slots[parameter_slots_[i]] = inputs[i];
  if (profile) profile->clear();

  std::vector<Tensor>& args = scratch.args;
  for (const Step& step : steps_) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      slots.clear();
      args.clear();
      fail("the inference was cancelled");
    }
    args.clear();
    for (int s : step.input_slots) args.push_back(slots[s]);
    std::chrono::steady_clock::time_point start;
    std::chrono::nanoseconds cpu_start{0};
    if (profile) {
      start = std::chrono::steady_clock::now();
      cpu_start = stream_cpu_time();
    }
    std::vector<Tensor> outs;
    if (step.kernel) {
      try {
        outs = step.kernel->run(args);
      } catch (const Error& e) {
        fail(step.node->describe(), ": ", e.what());
      }
    } else {
      outs = graph::evaluate_node(*step.node, args);
    }
    if (profile)
      profile->push_back({step.node->name, step.node->type, step.node->exec_type,
                          std::chrono::steady_clock::now() - start, stream_cpu_time() - cpu_start});
    SPARROW_CHECK(outs.size() == step.output_slots.size(), step.node->describe(), ": produced ", outs.size(),
                  " outputs, expected ", step.output_slots.size());
    for (size_t i = 0; i < outs.size(); ++i) {
      // An op that disagrees with its own shape inference is a bug; catch it here rather than downstream.
      const graph::OutputPort& port = step.node->outputs[i];
      SPARROW_CHECK(outs[i].element_type() == port.type && port.shape.admits(outs[i].shape()),
                    step.node->describe(), ": output ", i, " is ", to_string(outs[i].element_type()), " ",
                    to_string(outs[i].shape()), " but shape inference said ", to_string(port.type), " ",
                    port.shape.to_string());
      slots[step.output_slots[i]] = std::move(outs[i]);
    }
    for (int s : step.release) slots[s] = Tensor();
  }
  std::vector<Tensor> results;
  for (int s : result_slots_) results.push_back(slots[s]);
  // Keep no tensors alive between inferences: constants are shared, the rest is the caller's now.
  slots.clear();
  args.clear();
  return results;
}

}  // namespace sparrow::runtime
