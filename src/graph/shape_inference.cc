#include "graph/shape_inference.h"

#include <map>

#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::graph {
namespace {

// The more precise of two compatible shapes: known dimensions win over dynamic ones.
PartialShape merge(const PartialShape& declared, const PartialShape& inferred) {
  if (declared.rank_is_dynamic()) return inferred;
  if (inferred.rank_is_dynamic()) return declared;
  PartialShape out = declared;
  for (size_t i = 0; i < out.rank(); ++i)
    if (out[i] < 0) out[i] = inferred[i];
  return out;
}

// Shape tensors are tiny; anything larger is data, not a shape, and is never evaluated here.
constexpr int64_t kMaxPropagatedElements = 64;

bool is_shape_type(ElementType t) {
  return t == ElementType::i64 || t == ElementType::i32;
}

// OpenVINO-style value propagation: ShapeOf of a static shape, and small integer ops whose inputs are all
// known, get concrete values, so Reshape targets built by ShapeOf -> Gather -> Concat resolve to static
// shapes.
class KnownValues {
 public:
  const Tensor* find(const Edge& e) const {
    auto it = values_.find({e.node, e.port});
    return it == values_.end() ? nullptr : &it->second;
  }

  void propagate(const Node& node) {
    if (node.type == "ShapeOf") {
      const PartialShape& in = node.input_shape(0);
      if (!in.is_static() || !is_shape_type(node.outputs[0].type)) return;
      Shape dims = in.to_shape();
      Tensor t(node.outputs[0].type, {static_cast<int64_t>(dims.size())});
      for (size_t i = 0; i < dims.size(); ++i) {
        if (t.element_type() == ElementType::i64)
          t.data<int64_t>()[i] = dims[i];
        else
          t.data<int32_t>()[i] = static_cast<int32_t>(dims[i]);
      }
      values_[{&node, 0}] = std::move(t);
      return;
    }
    const OpDef* def = OpRegistry::instance().find(node.type);
    if (!def || !def->foldable || node.type == "Const") return;
    for (const OutputPort& out : node.outputs)
      if (!is_shape_type(out.type) || !out.shape.is_static() ||
          shape_size(out.shape.to_shape()) > kMaxPropagatedElements)
        return;
    std::vector<Tensor> inputs;
    for (const Edge& e : node.inputs) {
      const Tensor* v = e.node->type == "Const" ? &e.node->value : find(e);
      if (!v || v->size() > static_cast<size_t>(kMaxPropagatedElements)) return;
      inputs.push_back(*v);
    }
    std::vector<Tensor> outs = evaluate_node(node, inputs);
    for (size_t i = 0; i < outs.size(); ++i) values_[{&node, static_cast<int>(i)}] = std::move(outs[i]);
  }

 private:
  std::map<std::pair<const Node*, int>, Tensor> values_;
};

}  // namespace

void infer_shapes(Graph& graph, DeclaredShapes mode) {
  KnownValues known;
  KnownValueFn lookup = [&known](const Edge& e) { return known.find(e); };
  for (Node* node : graph.topological_order()) {
    if (node->type == "Parameter") continue;
    std::vector<OutputPort> inferred = infer_node(*node, lookup);
    SPARROW_CHECK(inferred.size() == node->outputs.size(), node->describe(), ": has ", node->outputs.size(),
                  " output ports, the op defines ", inferred.size());
    for (size_t i = 0; i < inferred.size(); ++i) {
      OutputPort& port = node->outputs[i];
      const OutputPort& got = inferred[i];
      if (mode == DeclaredShapes::kCheck && port.type != ElementType::undefined) {
        SPARROW_CHECK(port.type == got.type, node->describe(), ": output ", i, " is declared ",
                      to_string(port.type), " but the op produces ", to_string(got.type));
        SPARROW_CHECK(port.shape.compatible(got.shape), node->describe(), ": output ", i,
                      " is declared with shape ", port.shape.to_string(), " but the op produces ",
                      got.shape.to_string());
        port.shape = merge(port.shape, got.shape);
      } else {
        port.type = got.type;
        port.shape = got.shape;
      }
    }
    known.propagate(*node);
  }
}

}  // namespace sparrow::graph
