#include "api/impl.h"
#include "base/cpu_info.h"
#include "frontends/ir/ir_reader.h"
#include "graph/shape_inference.h"

namespace sparrow {

std::shared_ptr<Model> Core::read_model(const std::filesystem::path& xml, const std::filesystem::path& bin) const {
  auto impl = std::make_shared<Model::Impl>();
  impl->graph = ir::read_ir(xml, bin);
  try {
    graph::infer_shapes(*impl->graph, graph::DeclaredShapes::kCheck);
  } catch (const Error& e) {
    fail(xml.string(), ": ", e.what());
  }
  impl->refresh_ports();
  return std::make_shared<Model>(std::move(impl));
}

CompiledModel Core::compile_model(const std::shared_ptr<Model>& model, const std::string& device,
                                  const AnyMap& properties) const {
  SPARROW_CHECK(model != nullptr, "compile_model: the model is null");
  SPARROW_CHECK(device == "CPU", "compile_model: device '", device, "' is not supported (sparrow runs on CPU)");
  AnyMap merged = properties_;
  for (const auto& [key, value] : properties) merged[key] = value;
  runtime::Config config = runtime::Config::from(merged);
  auto impl = std::make_shared<CompiledModel::Impl>();
  impl->compiled = runtime::compile(*model->impl()->graph, config);
  impl->name = model->name();
  impl->inputs = model->inputs();
  impl->outputs = model->outputs();
  impl->streams = std::make_unique<runtime::Streams>(config);
  return CompiledModel(std::move(impl));
}

CompiledModel Core::compile_model(const std::filesystem::path& xml, const std::string& device,
                                  const AnyMap& properties) const {
  return compile_model(read_model(xml), device, properties);
}

void Core::set_property(const std::string& device, const AnyMap& properties) {
  SPARROW_CHECK(device == "CPU", "set_property: device '", device, "' is not supported (sparrow runs on CPU)");
  AnyMap merged = properties_;
  for (const auto& [key, value] : properties) merged[key] = value;
  runtime::Config::from(merged);  // refuses invalid keys and values now rather than at compile time
  properties_ = std::move(merged);
}

Any Core::get_property(const std::string& device, const std::string& key) const {
  SPARROW_CHECK(device == "CPU", "get_property: device '", device, "' is not supported (sparrow runs on CPU)");
  if (key == "FULL_DEVICE_NAME") return base::cpu_info().model_name;
  return runtime::Config::from(properties_).get(key);
}

const char* version() { return SPARROW_VERSION; }

const std::vector<Port>& CompiledModel::inputs() const { return impl_->inputs; }
const std::vector<Port>& CompiledModel::outputs() const { return impl_->outputs; }

Any CompiledModel::get_property(const std::string& key) const {
  if (key == "NETWORK_NAME") return impl_->name;
  if (key == "EXECUTION_DEVICES") return "CPU";
  return impl_->compiled->config.get(key);
}

std::vector<std::string> CompiledModel::supported_properties() const {
  std::vector<std::string> keys = {"NETWORK_NAME", "EXECUTION_DEVICES"};
  for (const std::string& k : runtime::Config::keys()) keys.push_back(k);
  return keys;
}

InferRequest CompiledModel::create_infer_request() const {
  SPARROW_CHECK(impl_ != nullptr, "create_infer_request on an empty CompiledModel");
  auto req = std::make_shared<InferRequest::Impl>(impl_);
  req->request.set_owner(req);
  for (const Port& p : impl_->inputs)
    if (p.shape.is_static()) req->request.inputs()[p.index] = Tensor(p.element_type, p.shape.to_shape());
  return InferRequest(std::move(req));
}

}  // namespace sparrow
