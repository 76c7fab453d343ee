#include "frontends/synth/bert_graph.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "graph/shape_inference.h"
#include "sparrow/error.h"

namespace sparrow::synth {
namespace {

using graph::Edge;
using Attrs = std::vector<std::pair<std::string, std::string>>;
constexpr int64_t kDyn = PartialShape::kDynamic;

class Builder {
 public:
  explicit Builder(const GraphSpec& spec)
      : spec_(spec), c_(spec.config), g_(std::make_unique<graph::Graph>()) {
    g_->name = spec.name;
  }

  BertGraph build() {
    Edge ids = parameter("input_ids");
    Edge mask = parameter("attention_mask");
    Edge types = parameter("token_type_ids");
    Edge x = embeddings(ids, types);
    Edge additive_mask = attention_mask(mask);
    for (int64_t i = 0; i < c_.layers; ++i) x = encoder_layer(i, x, additive_mask);
    Edge logits = head(x);
    logits.node->outputs[0].names = {"logits"};

    graph::Node* result = g_->add_result("logits/sink_port_0", logits);
    std::vector<graph::Node*> results{result};
    for (graph::Node* probe : probe_results_) results.push_back(probe);
    g_->set_results(std::move(results));
    graph::infer_shapes(*g_, graph::DeclaredShapes::kCheck);
    return {std::move(g_), std::move(probes_)};
  }

 private:
  Edge parameter(const std::string& name) {
    return {g_->add_parameter(name, ElementType::i64, PartialShape{kDyn, kDyn}), 0};
  }

  Edge op(std::string type, int version, std::string name, std::vector<Edge> inputs, const Attrs& attrs,
          ElementType type_out, PartialShape shape_out) {
    graph::Node* n = g_->add_node(std::move(type), version, std::move(name), std::move(inputs), 1);
    for (const auto& [k, v] : attrs) n->attrs.set(k, v);
    n->outputs[0].type = type_out;
    n->outputs[0].shape = std::move(shape_out);
    return {n, 0};
  }

  Edge constant(std::string name, Tensor value) {
    return {g_->add_constant(std::move(name), std::move(value)), 0};
  }

  Edge i64(std::string name, Shape shape, const std::vector<int64_t>& values) {
    Tensor t(ElementType::i64, std::move(shape));
    SPARROW_CHECK(t.size() == values.size(), name, ": ", values.size(), " values for ", t.size(),
                  " elements");
    if (!values.empty()) std::memcpy(t.data(), values.data(), values.size() * sizeof(int64_t));
    return constant(std::move(name), t);
  }

  Edge f32(std::string name, Shape shape, float value) {
    Tensor t(ElementType::f32, std::move(shape));
    for (size_t i = 0; i < t.size(); ++i) t.data<float>()[i] = value;
    return constant(std::move(name), t);
  }

  // A view of a parameter: no copy of the (possibly 94 MB) embedding table.
  Edge weight(const std::string& name, Shape shape = {}) {
    auto it = spec_.weights->find(name);
    SPARROW_CHECK(it != spec_.weights->end(), "synth: no weights for ", name);
    const FloatTensor& w = it->second;
    if (shape.empty()) shape = w.shape;
    SPARROW_CHECK(shape_size(shape) == static_cast<int64_t>(w.data.size()), "synth: ", name, " has ",
                  w.data.size(), " values, the graph needs ", to_string(shape));
    return constant(name, Tensor(ElementType::f32, std::move(shape), const_cast<float*>(w.data.data())));
  }

  Edge gather(std::string name, Edge data, Edge indices, int64_t axis, ElementType type, PartialShape shape) {
    Edge ax = i64(name + "/axis", {}, {axis});
    return op("Gather", 8, std::move(name), {data, indices, ax}, {{"batch_dims", "0"}}, type,
              std::move(shape));
  }

  Edge binary(const char* type, std::string name, Edge a, Edge b, PartialShape shape,
              ElementType out = ElementType::f32) {
    return op(type, 1, std::move(name), {a, b}, {{"auto_broadcast", "numpy"}}, out, std::move(shape));
  }

  Edge concat(std::string name, std::vector<Edge> parts, int64_t length) {
    return op("Concat", 1, std::move(name), std::move(parts), {{"axis", "0"}}, ElementType::i64,
              PartialShape{length});
  }

  Edge shape_of(std::string name, Edge x, int64_t rank) {
    return op("ShapeOf", 3, std::move(name), {x}, {{"output_type", "i64"}}, ElementType::i64,
              PartialShape{rank});
  }

  Edge layer_norm(const std::string& prefix, Edge x) {
    PartialShape s{kDyn, kDyn, c_.hidden};
    Edge axes = i64(prefix + "/MVN/axes", {1}, {-1});
    // eps as OpenVINO prints the float 1e-12 it stores.
    Edge mvn =
        op("MVN", 6, prefix + "/MVN", {x, axes},
           {{"eps", "9.999999960041972e-13"}, {"normalize_variance", "true"}, {"eps_mode", "inside_sqrt"}},
           ElementType::f32, s);
    Edge mul = binary("Multiply", prefix + "/Multiply", mvn, weight(prefix + ".weight"), s);
    return binary("Add", prefix + "/Add", mul, weight(prefix + ".bias"), s);
  }

  // x [B,S,in] or [B,in] -> MatMul(transpose_b) with weight [out,in] -> Add(bias).
  Edge linear(const std::string& prefix, Edge x, int64_t rank) {
    const std::string wname = prefix + ".weight";
    const FloatTensor& wf = spec_.weights->at(wname);
    int64_t out = wf.shape[0];
    const QuantizedWeight* quantized = nullptr;
    if (spec_.int8_weights) {
      auto it = spec_.int8_weights->find(wname);
      if (it != spec_.int8_weights->end()) quantized = &it->second;
    }
    Edge w;
    if (quantized) {
      const QuantizedWeight& qw = *quantized;
      PartialShape ws(qw.shape);
      Edge i8 = constant(wname, Tensor(ElementType::i8, qw.shape, const_cast<int8_t*>(qw.q.data())));
      Edge cvt =
          op("Convert", 1, wname + "/Convert", {i8}, {{"destination_type", "f32"}}, ElementType::f32, ws);
      Edge scale =
          constant(wname + "/scale", Tensor(ElementType::f32, {out, 1}, const_cast<float*>(qw.scale.data())));
      w = binary("Multiply", wname + "/fq_weights_0", cvt, scale, ws);
    } else {
      w = weight(wname);
    }
    PartialShape ys = rank == 3 ? PartialShape{kDyn, kDyn, out} : PartialShape{kDyn, out};
    Edge mm = op("MatMul", 1, prefix + "/MatMul", {x, w}, {{"transpose_a", "false"}, {"transpose_b", "true"}},
                 ElementType::f32, ys);
    Edge bias = weight(prefix + ".bias", rank == 3 ? Shape{1, 1, out} : Shape{1, out});
    return binary("Add", prefix + "/Add", mm, bias, ys);
  }

  Edge quantize(const std::string& name, Edge x, int64_t width) {
    if (spec_.probe_quantizer_inputs) {
      probe_results_.push_back(g_->add_result(name + "/probe", x));
      probes_.push_back(name);
    }
    if (!spec_.activation_ranges) return x;
    auto it = spec_.activation_ranges->find(name);
    SPARROW_CHECK(it != spec_.activation_ranges->end(), "synth: no activation range for ", name);
    Edge il = f32(name + "/input_low", {1, 1, 1}, it->second.low);
    Edge ih = f32(name + "/input_high", {1, 1, 1}, it->second.high);
    Edge ol = f32(name + "/output_low", {1, 1, 1}, it->second.low);
    Edge oh = f32(name + "/output_high", {1, 1, 1}, it->second.high);
    return op("FakeQuantize", 1, name + "/FakeQuantize", {x, il, ih, ol, oh},
              {{"levels", "256"}, {"auto_broadcast", "numpy"}}, ElementType::f32,
              PartialShape{kDyn, kDyn, width});
  }

  Edge embeddings(Edge ids, Edge types) {
    const std::string p = "bert.embeddings";
    PartialShape bsh{kDyn, kDyn, c_.hidden};
    Edge words = gather(p + ".word_embeddings/Gather", weight(p + ".word_embeddings.weight"), ids, 0,
                        ElementType::f32, bsh);
    Edge tokens = gather(p + ".token_type_embeddings/Gather", weight(p + ".token_type_embeddings.weight"),
                         types, 0, ElementType::f32, bsh);
    Edge sum = binary("Add", p + "/Add", words, tokens, bsh);

    Edge shape = shape_of(p + "/ShapeOf", ids, 2);
    Edge seq =
        gather(p + "/seq_len", shape, i64(p + "/seq_index", {1}, {1}), 0, ElementType::i64, PartialShape{1});
    Edge end = concat(p + "/pos_end", {i64(p + "/pos_end0", {1}, {0}), seq}, 2);
    std::vector<int64_t> positions(static_cast<size_t>(c_.max_positions));
    for (size_t i = 0; i < positions.size(); ++i) positions[i] = static_cast<int64_t>(i);
    Edge all_positions = i64(p + ".position_ids", {1, c_.max_positions}, positions);
    Edge position_ids =
        op("StridedSlice", 1, p + "/position_ids/StridedSlice",
           {all_positions, i64(p + "/pos_begin", {2}, {0, 0}), end, i64(p + "/pos_stride", {2}, {1, 1})},
           {{"begin_mask", "1,0"},
            {"end_mask", "1,0"},
            {"new_axis_mask", "0,0"},
            {"shrink_axis_mask", "0,0"},
            {"ellipsis_mask", "0,0"}},
           ElementType::i64, PartialShape{1, kDyn});
    Edge pos = gather(p + ".position_embeddings/Gather", weight(p + ".position_embeddings.weight"),
                      position_ids, 0, ElementType::f32, PartialShape{1, kDyn, c_.hidden});
    Edge with_pos = binary("Add", p + "/Add_pos", sum, pos, bsh);
    return layer_norm(p + ".LayerNorm", with_pos);
  }

  Edge attention_mask(Edge mask) {
    const std::string p = "bert.extended_attention_mask";
    Edge is_pad = binary("Equal", p + "/Equal", mask, i64(p + "/zero", {}, {0}), PartialShape{kDyn, kDyn},
                         ElementType::boolean);
    Edge additive =
        op("Select", 1, p + "/Select",
           {is_pad, f32(p + "/min", {}, std::numeric_limits<float>::lowest()), f32(p + "/zero_f", {}, 0)},
           {{"auto_broadcast", "numpy"}}, ElementType::f32, PartialShape{kDyn, kDyn});
    Edge shape = shape_of(p + "/ShapeOf", mask, 2);
    Edge batch = gather(p + "/batch", shape, i64(p + "/i0", {1}, {0}), 0, ElementType::i64, PartialShape{1});
    Edge seq = gather(p + "/seq", shape, i64(p + "/i1", {1}, {1}), 0, ElementType::i64, PartialShape{1});
    Edge shape4 = concat(p + "/shape4", {batch, i64(p + "/ones", {2}, {1, 1}), seq}, 4);
    Edge mask4 = op("Reshape", 1, p + "/Reshape", {additive, shape4}, {{"special_zero", "false"}},
                    ElementType::f32, PartialShape{kDyn, 1, 1, kDyn});
    Edge shape_b = concat(p + "/shapeB", {batch, i64(p + "/one", {1}, {1}), seq, seq}, 4);
    return op("Broadcast", 3, p + "/Broadcast", {mask4, shape_b}, {{"mode", "numpy"}}, ElementType::f32,
              PartialShape{kDyn, 1, kDyn, kDyn});
  }

  // x [B,S,H] -> [B,heads,S,head_size]
  Edge split_heads(const std::string& prefix, Edge x, Edge heads_shape) {
    int64_t hd = c_.hidden / c_.heads;
    Edge r = op("Reshape", 1, prefix + "/Reshape", {x, heads_shape}, {{"special_zero", "false"}},
                ElementType::f32, PartialShape{kDyn, kDyn, c_.heads, hd});
    return op("Transpose", 1, prefix + "/Transpose", {r, i64(prefix + "/Transpose/order", {4}, {0, 2, 1, 3})},
              {}, ElementType::f32, PartialShape{kDyn, c_.heads, kDyn, hd});
  }

  Edge encoder_layer(int64_t i, Edge x, Edge additive_mask) {
    const std::string l = "bert.encoder.layer." + std::to_string(i);
    const int64_t h = c_.hidden, nh = c_.heads, hd = c_.hidden / c_.heads;
    PartialShape hs{kDyn, kDyn, h};

    Edge shape = shape_of(l + "/ShapeOf", x, 3);
    Edge batch_seq = gather(l + "/batch_seq", shape, i64(l + "/bs_index", {2}, {0, 1}), 0, ElementType::i64,
                            PartialShape{2});
    Edge heads_shape = concat(l + "/heads_shape", {batch_seq, i64(l + "/heads", {2}, {nh, hd})}, 4);
    Edge merge_shape = concat(l + "/merge_shape", {batch_seq, i64(l + "/hidden", {1}, {h})}, 3);

    const std::string a = l + ".attention.self";
    Edge xq = quantize(a + ".input_quantizer", x, h);
    Edge q = split_heads(a + ".query", linear(a + ".query", xq, 3), heads_shape);
    Edge k = split_heads(a + ".key", linear(a + ".key", xq, 3), heads_shape);
    Edge v = split_heads(a + ".value", linear(a + ".value", xq, 3), heads_shape);
    PartialShape ss{kDyn, nh, kDyn, kDyn};
    Edge scores = op("MatMul", 1, a + "/scores/MatMul", {q, k},
                     {{"transpose_a", "false"}, {"transpose_b", "true"}}, ElementType::f32, ss);
    float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
    Edge scaled = binary("Multiply", a + "/Multiply", scores, f32(a + "/scale", {}, scale), ss);
    Edge masked = binary("Add", a + "/Add_mask", scaled, additive_mask, ss);
    Edge probs = op("SoftMax", 8, a + "/Softmax", {masked}, {{"axis", "-1"}}, ElementType::f32, ss);
    Edge ctx = op("MatMul", 1, a + "/context/MatMul", {probs, v},
                  {{"transpose_a", "false"}, {"transpose_b", "false"}}, ElementType::f32,
                  PartialShape{kDyn, nh, kDyn, hd});
    Edge ctx_t = op("Transpose", 1, a + "/context/Transpose",
                    {ctx, i64(a + "/context/Transpose/order", {4}, {0, 2, 1, 3})}, {}, ElementType::f32,
                    PartialShape{kDyn, kDyn, nh, hd});
    Edge ctx_r = op("Reshape", 1, a + "/context/Reshape", {ctx_t, merge_shape}, {{"special_zero", "false"}},
                    ElementType::f32, hs);

    const std::string ao = l + ".attention.output";
    Edge attn = linear(ao + ".dense", quantize(ao + ".input_quantizer", ctx_r, h), 3);
    Edge ln1 = layer_norm(ao + ".LayerNorm", binary("Add", ao + "/Add_residual", attn, x, hs));

    const std::string in = l + ".intermediate";
    Edge ffn_in = linear(in + ".dense", quantize(in + ".input_quantizer", ln1, h), 3);
    Edge gelu = op("Gelu", 7, in + "/Gelu", {ffn_in}, {{"approximation_mode", "ERF"}}, ElementType::f32,
                   PartialShape{kDyn, kDyn, c_.ffn});

    const std::string o = l + ".output";
    Edge ffn_out = linear(o + ".dense", quantize(o + ".input_quantizer", gelu, c_.ffn), 3);
    return layer_norm(o + ".LayerNorm", binary("Add", o + "/Add_residual", ffn_out, ln1, hs));
  }

  Edge head(Edge x) {
    Edge first = gather("bert.pooler/Gather", x, i64("bert.pooler/index", {}, {0}), 1, ElementType::f32,
                        PartialShape{kDyn, c_.hidden});
    Edge pooled = linear("bert.pooler.dense", first, 2);
    Edge t = op("Tanh", 1, "bert.pooler/Tanh", {pooled}, {}, ElementType::f32, PartialShape{kDyn, c_.hidden});
    return linear("classifier", t, 2);
  }

  const GraphSpec& spec_;
  const BertConfig& c_;
  std::unique_ptr<graph::Graph> g_;
  std::vector<graph::Node*> probe_results_;
  std::vector<std::string> probes_;
};

}  // namespace

std::vector<std::string> quantizer_names(const BertConfig& config) {
  std::vector<std::string> names;
  for (int64_t i = 0; i < config.layers; ++i) {
    std::string l = "bert.encoder.layer." + std::to_string(i);
    for (const char* s : {".attention.self", ".attention.output", ".intermediate", ".output"})
      names.push_back(l + s + ".input_quantizer");
  }
  return names;
}

BertGraph build_bert_graph(const GraphSpec& spec) {
  SPARROW_CHECK(spec.weights != nullptr, "synth: no weights");
  SPARROW_CHECK(spec.config.heads > 0 && spec.config.hidden % spec.config.heads == 0, "synth: hidden size ",
                spec.config.hidden, " is not a multiple of ", spec.config.heads, " heads");
  return Builder(spec).build();
}

}  // namespace sparrow::synth
