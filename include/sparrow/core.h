// sparrow's C++ API, shaped like OpenVINO's 2.0 API: Core reads and compiles models, a CompiledModel makes
// InferRequests, requests run inference on Tensors. Objects are cheap handles to shared state, as in
// OpenVINO: copying a CompiledModel or InferRequest refers to the same underlying object.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "sparrow/any.h"
#include "sparrow/element_type.h"
#include "sparrow/error.h"
#include "sparrow/properties.h"
#include "sparrow/shape.h"
#include "sparrow/tensor.h"

namespace sparrow {

// One input or output of a model.
struct Port {
  size_t index = 0;
  std::string name;                // the first tensor name (what get_any_name() returns in OpenVINO)
  std::vector<std::string> names;  // every tensor name
  ElementType element_type = ElementType::undefined;
  PartialShape shape;
};

// One node of a model, for inspection (`sparrow info`, profiling reports).
struct LayerInfo {
  std::string name;
  std::string type;
  int version = 1;
  std::string exec_type;           // the kernel that runs it ("ref" for the reference implementation)
  std::vector<Port> outputs;       // index, names, type and shape of each output
  Shape weight_shape;              // for MatMul with constant weights: the stored weight's shape, else empty
  ElementType weight_type = ElementType::undefined;
  double weight_zero_fraction = 0;  // zeros among the stored weight values
  size_t weight_bytes = 0;
  // For an int8 layer that a kernel packed (compiled models): the share of groups of 4 consecutive input
  // channels whose weights are all zero, the work a group-skipping sparse kernel drops; -1 elsewhere.
  double weight_zero_groups = -1;
  // For such a layer: the weight format its kernel packed (dense, bitmask, groups: docs/weight_formats.md,
  // chosen by CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE) and the bytes of the packed copy; "" and 0 elsewhere.
  std::string weight_format;
  size_t packed_bytes = 0;
};

// Time spent in one node of the compiled graph during a request's last inference (PERF_COUNT must be on).
struct ProfilingInfo {
  enum class Status { NOT_RUN, OPTIMIZED_OUT, EXECUTED };
  Status status = Status::EXECUTED;
  std::chrono::microseconds real_time{0};  // wall time of the node
  std::chrono::microseconds cpu_time{0};   // CPU time of the stream's threads while the node ran
  std::string node_name;
  std::string exec_type;  // the kernel that ran it
  std::string node_type;
};

// sparrow's version, "major.minor.patch".
const char* version();

class Model {
 public:
  // Every node in execution order.
  std::vector<LayerInfo> layers() const;
  const std::string& name() const;
  const std::vector<Port>& inputs() const;
  const std::vector<Port>& outputs() const;
  const Port& input(const std::string& name) const;
  const Port& output(const std::string& name) const;

  // Sets new input shapes and re-infers every shape; on error the model is left unchanged.
  void reshape(const std::map<std::string, PartialShape>& shapes);
  void reshape(const PartialShape& shape);  // the same shape for every input

  struct Impl;
  explicit Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

class InferRequest {
 public:
  InferRequest() = default;

  void set_tensor(const std::string& name, const Tensor& tensor);
  void set_input_tensor(size_t index, const Tensor& tensor);
  void set_input_tensor(const Tensor& tensor);  // the model must have exactly one input
  Tensor get_tensor(const std::string& name) const;
  Tensor get_input_tensor(size_t index = 0) const;
  Tensor get_output_tensor(size_t index = 0) const;

  // Runs inference and returns when it is done. Input tensors are checked against the model's inputs (type,
  // shape). Errors inside the inference are thrown here.
  void infer();

  // Queues the inference for the next free stream and returns at once. The request must be idle (not queued
  // or running); its tensors must not change until it completes.
  void start_async();
  // Blocks until the request is idle. Rethrows the error of the last inference, if it failed or was cancelled.
  void wait();
  // As wait(), for at most `timeout`; returns true if the request is idle. A zero timeout polls.
  bool wait_for(std::chrono::milliseconds timeout);
  // Called on the stream's thread when an inference ends, with the error (nullptr on success). The callback
  // may call start_async on its own request. It must not own a handle to its request (that would be a
  // reference cycle): capture a pointer or reference. Exceptions thrown by the callback are ignored.
  void set_callback(std::function<void(std::exception_ptr)> callback);
  // Removes a queued inference from its queue, or stops a running one between nodes; wait() then throws.
  void cancel();
  // Per-node times of the last inference, in execution order. Needs PERF_COUNT=true at compile time.
  std::vector<ProfilingInfo> get_profiling_info() const;

  struct Impl;
  explicit InferRequest(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<Impl> impl_;
};

class CompiledModel {
 public:
  CompiledModel() = default;

  const std::vector<Port>& inputs() const;
  const std::vector<Port>& outputs() const;
  InferRequest create_infer_request() const;
  // Every node of the compiled graph (after folding and fusion) in execution order, with its kernel.
  std::vector<LayerInfo> layers() const;
  // Effective values by OpenVINO key: PERFORMANCE_HINT, NUM_STREAMS, INFERENCE_NUM_THREADS,
  // ENABLE_CPU_PINNING, PERF_COUNT, CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE, OPTIMAL_NUMBER_OF_INFER_REQUESTS,
  // NETWORK_NAME, EXECUTION_DEVICES. Throws for other keys.
  Any get_property(const std::string& key) const;
  template <typename T>
  T get_property(const Property<T>& property) const {
    return property.from_any(get_property(property.name()));
  }
  template <typename T>
  T get_property(const ReadOnlyProperty<T>& property) const {
    return property.from_any(get_property(property.name()));
  }
  // The keys get_property answers, in a stable order.
  std::vector<std::string> supported_properties() const;

  struct Impl;
  explicit CompiledModel(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

class Core {
 public:
  // Properties for every later compile_model on `device` (OpenVINO's core.set_property); values given to
  // compile_model win. Invalid keys or values throw at once.
  void set_property(const std::string& device, const AnyMap& properties);
  // A device property: FULL_DEVICE_NAME, or the value compile_model would use for a compiled-model key.
  Any get_property(const std::string& device, const std::string& key) const;

  // Reads OpenVINO IR. `bin` defaults to the xml path with the extension ".bin".
  std::shared_ptr<Model> read_model(const std::filesystem::path& xml, const std::filesystem::path& bin = {}) const;
  // Compiles for a device ("CPU" is the only one). Properties use OpenVINO's keys.
  CompiledModel compile_model(const std::shared_ptr<Model>& model, const std::string& device = "CPU",
                              const AnyMap& properties = {}) const;
  CompiledModel compile_model(const std::filesystem::path& xml, const std::string& device = "CPU",
                              const AnyMap& properties = {}) const;
  // compile_model(model, "CPU", sparrow::num_streams(4), sparrow::hint::performance_mode(...)), as in OpenVINO.
  template <typename M, typename... Properties>
    requires(sizeof...(Properties) > 0 && (std::is_convertible_v<Properties, AnyMap::value_type> && ...))
  CompiledModel compile_model(const M& model, const std::string& device, Properties&&... properties) const {
    return compile_model(model, device, AnyMap{std::forward<Properties>(properties)...});
  }

 private:
  AnyMap properties_;
};

}  // namespace sparrow
