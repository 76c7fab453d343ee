#include "graph/op_registry.h"

#include <charconv>

#include "sparrow/error.h"

namespace sparrow::graph {

const OpRegistry& OpRegistry::instance() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    register_structural_ops(r);
    register_elementwise_ops(r);
    register_shape_ops(r);
    register_index_ops(r);
    register_math_ops(r);
    register_quantization_ops(r);
    register_quantized_ops(r);
    register_fused_ops(r);
    return r;
  }();
  return registry;
}

void OpRegistry::add(OpDef def) {
  SPARROW_CHECK(find(def.type) == nullptr, "op ", def.type, " registered twice");
  defs_.push_back(std::move(def));
}

const OpDef* OpRegistry::find(std::string_view type) const {
  for (const OpDef& d : defs_)
    if (d.type == type) return &d;
  return nullptr;
}

int OpRegistry::resolve_version(std::string_view type, std::string_view opset) const {
  const OpDef* def = find(type);
  SPARROW_CHECK(def != nullptr && (!def->internal || opset == "sparrow"), "unsupported op type ", type, " (",
                opset, ")");
  if (def->internal) return def->versions.back();
  int n = 0;
  std::string_view digits = opset.substr(opset.starts_with("opset") ? 5 : opset.size());
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  SPARROW_CHECK(!digits.empty() && ec == std::errc() && ptr == digits.data() + digits.size() && n > 0, "op ",
                type, ": unsupported version '", opset, "' (expected opset1 ... opset16)");
  int chosen = 0;
  for (int v : def->versions)
    if (v <= n) chosen = v;
  SPARROW_CHECK(chosen > 0, "op ", type, " does not exist in ", opset);
  return chosen;
}

std::vector<std::string> OpRegistry::types() const {
  std::vector<std::string> out;
  for (const OpDef& d : defs_) out.push_back(d.type);
  return out;
}

namespace {

const OpDef& def_for(const Node& node) {
  const OpDef* def = OpRegistry::instance().find(node.type);
  SPARROW_CHECK(def != nullptr, node.describe(), ": unsupported op type ", node.type);
  return *def;
}

}  // namespace

std::vector<OutputPort> infer_node(const Node& node, const KnownValueFn& known) {
  const OpDef& def = def_for(node);
  int n = static_cast<int>(node.inputs.size());
  SPARROW_CHECK(n >= def.min_inputs && n <= def.max_inputs, node.describe(), ": has ", n,
                " inputs, expected ",
                def.min_inputs == def.max_inputs
                    ? std::to_string(def.min_inputs)
                    : std::to_string(def.min_inputs) + " to " + std::to_string(def.max_inputs));
  std::vector<ValueInfo> info;
  info.reserve(node.inputs.size());
  for (const Edge& e : node.inputs) {
    const OutputPort& port = e.node->outputs.at(e.port);
    const Tensor* value = e.node->type == "Const" ? &e.node->value : nullptr;
    if (!value && known) value = known(e);
    info.push_back({port.type, port.shape, value});
  }
  try {
    return def.infer(node, info);
  } catch (const Error& err) {
    fail(node.describe(), ": ", err.what());
  }
}

std::vector<Tensor> evaluate_node(const Node& node, std::span<const Tensor> inputs) {
  const OpDef& def = def_for(node);
  try {
    return def.evaluate(node, inputs);
  } catch (const Error& err) {
    fail(node.describe(), ": ", err.what());
  }
}

}  // namespace sparrow::graph
