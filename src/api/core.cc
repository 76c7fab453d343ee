#include "api/impl.h"
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
  runtime::Config config = runtime::Config::from(properties);
  auto impl = std::make_shared<CompiledModel::Impl>();
  impl->compiled = runtime::compile(*model->impl()->graph, config);
  impl->inputs = model->inputs();
  impl->outputs = model->outputs();
  return CompiledModel(std::move(impl));
}

CompiledModel Core::compile_model(const std::filesystem::path& xml, const std::string& device,
                                  const AnyMap& properties) const {
  return compile_model(read_model(xml), device, properties);
}

const std::vector<Port>& CompiledModel::inputs() const { return impl_->inputs; }
const std::vector<Port>& CompiledModel::outputs() const { return impl_->outputs; }

Any CompiledModel::get_property(const std::string& key) const { return impl_->compiled->config.get(key); }

InferRequest CompiledModel::create_infer_request() const {
  SPARROW_CHECK(impl_ != nullptr, "create_infer_request on an empty CompiledModel");
  auto req = std::make_shared<InferRequest::Impl>();
  req->model = impl_;
  for (const Port& p : impl_->inputs)
    req->inputs.push_back(p.shape.is_static() ? Tensor(p.element_type, p.shape.to_shape()) : Tensor());
  req->outputs.resize(impl_->outputs.size());
  return InferRequest(std::move(req));
}

}  // namespace sparrow
