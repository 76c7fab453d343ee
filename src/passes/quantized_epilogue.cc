#include "passes/quantized_epilogue.h"

#include <cctype>
#include <map>

#include "graph/op_registry.h"
#include "graph/shape_inference.h"
#include "passes/rewrite.h"

namespace sparrow::passes {
namespace {

using graph::Edge;
using graph::Node;

// A QuantizedMatMul read only by `reader`, with nothing in its epilogue yet past `allowed`.
Node* linear_feeding(Consumers& consumers, const Node* reader, bool activation_ok) {
  Node* m = reader->inputs[0].node;
  if (m->type != "QuantizedMatMul" || reader->inputs[0].port != 0 || consumers[m].size() != 1) return nullptr;
  if (m->attrs.has("quantize_levels")) return nullptr;
  if (!activation_ok && m->attrs.get_lowercase("activation", "none") != "none") return nullptr;
  return m;
}

void fold(graph::Graph& graph, Node* m, Node* folded) {
  m->fused_names.push_back(folded->name);
  replace_output(graph, folded, m);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int quantized_epilogue(graph::Graph& graph) {
  int folded = 0;
  auto consumers = consumers_of(graph);
  for (Node* g : graph.topological_order()) {
    if (g->type != "Gelu" || g->outputs[0].type != ElementType::f32) continue;
    Node* m = linear_feeding(consumers, g, false);
    if (!m) continue;
    const bool tanh = g->version >= 7 && upper(g->attrs.get_string("approximation_mode", "ERF")) == "TANH";
    m->attrs.set("activation", tanh ? "gelu_tanh" : "gelu_erf");
    fold(graph, m, g);
    ++folded;
  }
  graph.remove_dead_nodes();  // the folded Gelus no longer count as readers
  consumers = consumers_of(graph);
  for (Node* q : graph.topological_order()) {
    if (q->type != "Quantize") continue;
    Node* m = linear_feeding(consumers, q, true);
    if (!m) continue;
    m->attrs.set("quantize_low", q->attrs.get_string("input_low"));
    m->attrs.set("quantize_high", q->attrs.get_string("input_high"));
    m->attrs.set("quantize_levels", q->attrs.get_string("levels"));
    fold(graph, m, q);
    ++folded;
  }
  return finish_rewrites(graph, folded);
}

}  // namespace sparrow::passes
