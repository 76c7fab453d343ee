// Builds the graph of a BertForSequenceClassification with the op patterns OpenVINO's converters and NNCF
// emit (the same layout as ../shared/data/models/sst2-tiny-sparse-int8/openvino_model.xml):
// - inputs input_ids, attention_mask, token_type_ids: i64 [?,?]; output "logits" [?,labels];
// - every reshape target from ShapeOf -> Gather -> Concat, position ids by StridedSlice of a [1,P] Const;
// - the additive attention mask by Equal/Select -> Reshape [B,1,1,S] -> Broadcast [B,1,S,S];
// - LayerNorm as MVN-6 (axes [-1], inside_sqrt, eps 1e-12) -> Multiply -> Add; GELU as Gelu-7 ERF;
// - Linear as MatMul(transpose_b) -> Add(bias); with int8 weights the compressed NNCF pattern
//   i8 Const [out,in] -> Convert(f32) -> Multiply(scale [out,1]) -> MatMul;
// - with activation ranges, FakeQuantize (levels 256, [1,1,1] constants, input range = output range) on the
//   input of Q/K/V (one shared), the attention output, FFN in and FFN out.
// Const names are the Hugging Face parameter names. Output ports carry declared types and shapes, checked by
// graph::infer_shapes against the ops' own inference.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "frontends/synth/bert_weights.h"
#include "graph/graph.h"

namespace sparrow::synth {

struct ActivationRange {
  float low = 0, high = 0;
};

struct GraphSpec {
  std::string name;
  BertConfig config;
  // Every parameter. The graph's Consts view this memory: it must outlive the graph.
  const BertWeights* weights = nullptr;
  // Encoder Linear weights stored as int8 (by weight name); others come from `weights` as f32.
  const std::map<std::string, QuantizedWeight>* int8_weights = nullptr;
  // FakeQuantize ranges by quantizer name (see quantizer_names); null: no activation quantizers.
  const std::map<std::string, ActivationRange>* activation_ranges = nullptr;
  // Adds one extra Result per quantizer point, reading the activation the quantizer would see (calibration).
  bool probe_quantizer_inputs = false;
};

struct BertGraph {
  std::unique_ptr<graph::Graph> graph;
  // With probe_quantizer_inputs: the quantizer of results()[1 + i]; results()[0] is always the logits.
  std::vector<std::string> probes;
};

// The 4 activation quantizers of each layer, in graph order:
// bert.encoder.layer.<i>.{attention.self, attention.output, intermediate, output}.input_quantizer
std::vector<std::string> quantizer_names(const BertConfig& config);

// Builds the graph and runs graph::infer_shapes on it. Throws sparrow::Error on missing weights.
BertGraph build_bert_graph(const GraphSpec& spec);

}  // namespace sparrow::synth
