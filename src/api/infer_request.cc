#include "api/impl.h"

namespace sparrow {

void InferRequest::set_tensor(const std::string& name, const Tensor& tensor) {
  const auto& ports = impl_->model->inputs;
  for (const Port& p : ports)
    for (const std::string& n : p.names)
      if (n == name) return set_input_tensor(p.index, tensor);
  fail("set_tensor: '", name, "' is not an input of the model (outputs are produced by infer)");
}

void InferRequest::set_input_tensor(size_t index, const Tensor& tensor) {
  const auto& ports = impl_->model->inputs;
  SPARROW_CHECK(index < ports.size(), "set_input_tensor: index ", index, " but the model has ", ports.size(),
                " inputs");
  const Port& p = ports[index];
  SPARROW_CHECK(tensor.element_type() == p.element_type, "input '", p.name, "' takes ", to_string(p.element_type),
                ", the tensor is ", to_string(tensor.element_type()));
  SPARROW_CHECK(p.shape.admits(tensor.shape()), "input '", p.name, "' takes shape ", p.shape.to_string(),
                ", the tensor has shape ", to_string(tensor.shape()));
  impl_->inputs[index] = tensor;
}

void InferRequest::set_input_tensor(const Tensor& tensor) {
  SPARROW_CHECK(impl_->model->inputs.size() == 1, "set_input_tensor without an index needs a model with one input; ",
                "this one has ", impl_->model->inputs.size());
  set_input_tensor(0, tensor);
}

Tensor InferRequest::get_tensor(const std::string& name) const {
  const auto& m = *impl_->model;
  for (const Port& p : m.inputs)
    for (const std::string& n : p.names)
      if (n == name) return impl_->inputs[p.index];
  return impl_->outputs[find_port(m.outputs, name, "input or output")];
}

Tensor InferRequest::get_input_tensor(size_t index) const {
  SPARROW_CHECK(index < impl_->inputs.size(), "get_input_tensor: index ", index, " but the model has ",
                impl_->inputs.size(), " inputs");
  return impl_->inputs[index];
}

Tensor InferRequest::get_output_tensor(size_t index) const {
  SPARROW_CHECK(index < impl_->outputs.size(), "get_output_tensor: index ", index, " but the model has ",
                impl_->outputs.size(), " outputs");
  return impl_->outputs[index];
}

void InferRequest::infer() {
  const auto& m = *impl_->model;
  for (const Port& p : m.inputs)
    SPARROW_CHECK(!impl_->inputs[p.index].empty(), "input '", p.name, "' has no tensor: its shape ",
                  p.shape.to_string(), " is dynamic, so set one with set_tensor before infer");
  impl_->outputs = m.compiled->executor->run(impl_->inputs);
}

}  // namespace sparrow
