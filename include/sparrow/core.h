// sparrow's C++ API, shaped like OpenVINO's 2.0 API: Core reads and compiles models, a CompiledModel makes
// InferRequests, requests run inference on Tensors. Objects are cheap handles to shared state, as in
// OpenVINO: copying a CompiledModel or InferRequest refers to the same underlying object.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sparrow/element_type.h"
#include "sparrow/error.h"
#include "sparrow/shape.h"
#include "sparrow/tensor.h"

namespace sparrow {

// A property value: bool, integer, floating point or string. Conversions that lose meaning throw Error.
class Any {
 public:
  Any() = default;
  Any(bool v) : value_(v) {}
  Any(int v) : value_(int64_t{v}) {}
  Any(int64_t v) : value_(v) {}
  Any(uint32_t v) : value_(int64_t{v}) {}
  Any(double v) : value_(v) {}
  Any(float v) : value_(double{v}) {}
  Any(const char* v) : value_(std::string(v)) {}
  Any(std::string v) : value_(std::move(v)) {}

  bool empty() const { return std::holds_alternative<std::monostate>(value_); }
  std::string as_string() const;
  int64_t as_int() const;   // accepts integers and integral strings ("4")
  double as_double() const; // accepts numbers and numeric strings ("0.75")
  bool as_bool() const;     // accepts bools, 0/1, "YES"/"NO", "TRUE"/"FALSE"

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string> value_;
};

using AnyMap = std::map<std::string, Any>;

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
};

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

  // Runs inference synchronously. Input tensors are checked against the model's inputs (type, shape).
  void infer();

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
  Any get_property(const std::string& key) const;

  struct Impl;
  explicit CompiledModel(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

class Core {
 public:
  // Reads OpenVINO IR. `bin` defaults to the xml path with the extension ".bin".
  std::shared_ptr<Model> read_model(const std::filesystem::path& xml, const std::filesystem::path& bin = {}) const;
  // Compiles for a device ("CPU" is the only one). Properties use OpenVINO's keys.
  CompiledModel compile_model(const std::shared_ptr<Model>& model, const std::string& device = "CPU",
                              const AnyMap& properties = {}) const;
  CompiledModel compile_model(const std::filesystem::path& xml, const std::string& device = "CPU",
                              const AnyMap& properties = {}) const;
};

}  // namespace sparrow
