// The reference definition of every op sparrow reads: how it infers output types and shapes, and a plain,
// obviously-correct evaluation. Any graph runs on these before any pass makes it fast.
//
// Contract for an op's functions:
// - infer(node, inputs) returns one OutputPort per output (type and partial shape; names left empty). It may
//   use inputs[i].value when that input is a known constant (Reshape targets, axes, ShapeOf subgraphs) and
//   must return dynamic dimensions when it cannot know them. It throws sparrow::Error on inconsistent inputs
//   (incompatible shapes for broadcasting, bad axes, wrong input types) without the node's name: the caller
//   adds it.
// - evaluate(node, inputs) computes outputs from concrete input tensors whose shapes are static. It validates
//   everything that depends on data (indices in range, reshape element counts) and throws sparrow::Error,
//   never reads or writes out of bounds. Outputs are freshly allocated tensors (a view of an input is allowed
//   when the op only re-labels the data, as Reshape does).
// Semantics follow the OpenVINO op specification of the given version (node.version).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.h"

namespace sparrow::graph {

struct ValueInfo {
  ElementType type = ElementType::undefined;
  PartialShape shape;
  const Tensor* value = nullptr;  // set when the input is a constant
};

using InferFn = std::function<std::vector<OutputPort>(const Node&, std::span<const ValueInfo>)>;
using EvaluateFn = std::function<std::vector<Tensor>(const Node&, std::span<const Tensor>)>;

struct OpDef {
  std::string type;
  std::vector<int> versions;  // op versions implemented, ascending; opsetN selects the largest <= N
  int min_inputs = 0;
  int max_inputs = 0;
  InferFn infer;
  EvaluateFn evaluate;
  bool foldable = true;  // false for Parameter, Result and ops with state
  bool internal = false;  // made by sparrow's passes; an IR may name it only with version "sparrow"
};

class OpRegistry {
 public:
  static const OpRegistry& instance();

  void add(OpDef def);
  const OpDef* find(std::string_view type) const;
  // The op version that "opset<N>" means for `type`; throws naming the type and opset when unsupported.
  int resolve_version(std::string_view type, std::string_view opset) const;
  std::vector<std::string> types() const;

 private:
  std::vector<OpDef> defs_;
};

// Values known for some outputs during shape inference (constants, and small shape tensors computed from
// static shapes); nullptr when unknown.
using KnownValueFn = std::function<const Tensor*(const Edge&)>;

// Runs an op's infer with the node's current inputs and adds the node's name to any error. Inputs fed by
// Const nodes carry their value; `known` can supply values for other inputs.
std::vector<OutputPort> infer_node(const Node& node, const KnownValueFn& known = {});
// Runs an op's evaluate and adds the node's name to any error.
std::vector<Tensor> evaluate_node(const Node& node, std::span<const Tensor> inputs);

// Registration entry points, one per file of src/graph/ops/. Called once by OpRegistry::instance().
void register_structural_ops(OpRegistry& r);  // Parameter, Const, Result
void register_elementwise_ops(
    OpRegistry& r);  // arithmetic, comparison, logical, unary math, Convert, Select, Clamp
void register_shape_ops(
    OpRegistry& r);  // ShapeOf, Reshape, Squeeze, Unsqueeze, Transpose, Concat, Broadcast, ...
void register_index_ops(OpRegistry& r);         // Gather, StridedSlice, Slice, Range, ScatterUpdate, ...
void register_math_ops(OpRegistry& r);          // MatMul, SoftMax, MVN, Reduce*, Gelu
void register_quantization_ops(OpRegistry& r);  // FakeQuantize
void register_quantized_ops(OpRegistry& r);     // Quantize, QuantizedMatMul (internal)
void register_fused_ops(OpRegistry& r);         // Attention, LayerNorm (internal)

}  // namespace sparrow::graph
