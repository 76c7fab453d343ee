#include "api/impl.h"

namespace sparrow {

InferRequest::Impl::Impl(std::shared_ptr<CompiledModel::Impl> m)
    : model(std::move(m)),
      request(*model->compiled->executor, *model->streams, model->inputs.size(), model->outputs.size(),
              model->compiled->config.perf_count) {}

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
  impl_->request.check_not_busy("set_tensor");
  impl_->request.inputs()[index] = tensor;
}

void InferRequest::set_input_tensor(const Tensor& tensor) {
  SPARROW_CHECK(impl_->model->inputs.size() == 1, "set_input_tensor without an index needs a model with one input; ",
                "this one has ", impl_->model->inputs.size());
  set_input_tensor(0, tensor);
}

Tensor InferRequest::get_tensor(const std::string& name) const {
  const auto& m = *impl_->model;
  impl_->request.check_not_busy("get_tensor");
  for (const Port& p : m.inputs)
    for (const std::string& n : p.names)
      if (n == name) return impl_->request.inputs()[p.index];
  return impl_->request.outputs()[find_port(m.outputs, name, "input or output")];
}

Tensor InferRequest::get_input_tensor(size_t index) const {
  impl_->request.check_not_busy("get_input_tensor");
  const auto& inputs = impl_->request.inputs();
  SPARROW_CHECK(index < inputs.size(), "get_input_tensor: index ", index, " but the model has ", inputs.size(),
                " inputs");
  return inputs[index];
}

Tensor InferRequest::get_output_tensor(size_t index) const {
  impl_->request.check_not_busy("get_output_tensor");
  const auto& outputs = impl_->request.outputs();
  SPARROW_CHECK(index < outputs.size(), "get_output_tensor: index ", index, " but the model has ", outputs.size(),
                " outputs");
  return outputs[index];
}

void InferRequest::infer() {
  start_async();
  wait();
}

void InferRequest::start_async() {
  const auto& m = *impl_->model;
  impl_->request.check_not_busy("start_async");
  for (const Port& p : m.inputs)
    SPARROW_CHECK(!impl_->request.inputs()[p.index].empty(), "input '", p.name, "' has no tensor: its shape ",
                  p.shape.to_string(), " is dynamic, so set one with set_tensor before inference");
  impl_->request.start();
}

void InferRequest::wait() { impl_->request.wait(); }

bool InferRequest::wait_for(std::chrono::milliseconds timeout) { return impl_->request.wait_for(timeout); }

void InferRequest::set_callback(std::function<void(std::exception_ptr)> callback) {
  impl_->request.set_callback(std::move(callback));
}

void InferRequest::cancel() { impl_->request.cancel(); }

std::vector<ProfilingInfo> InferRequest::get_profiling_info() const {
  SPARROW_CHECK(impl_->request.profiling(),
                "get_profiling_info: profiling is off; compile the model with PERF_COUNT=true");
  impl_->request.check_not_busy("get_profiling_info");
  std::vector<ProfilingInfo> out;
  for (const runtime::NodeProfile& p : impl_->request.profile()) {
    ProfilingInfo info;
    info.real_time = std::chrono::duration_cast<std::chrono::microseconds>(p.time);
    info.cpu_time = std::chrono::duration_cast<std::chrono::microseconds>(p.cpu_time);
    info.node_name = p.name;
    info.node_type = p.type;
    info.exec_type = p.exec_type;
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace sparrow
