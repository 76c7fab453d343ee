// What the rewriting passes share: who reads each node, swapping a fused node in for the output it replaces,
// and the clean-up after a pass.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace sparrow::passes {

using Consumers = std::map<const graph::Node*, std::vector<graph::Node*>>;

// The nodes that read each node (a node reading twice is listed twice).
Consumers consumers_of(const graph::Graph& graph);

// `n` has exactly one reader; with `reader`, that reader.
bool single_reader(const Consumers& consumers, const graph::Node* n);
bool only_reader(const Consumers& consumers, const graph::Node* n, const graph::Node* reader);

// Types `fused` at once (later matches of the pass look at the types they read), gives it the tensor names of
// `replaced`'s output and points every reader of that output at it.
void replace_output(graph::Graph& graph, graph::Node* replaced, graph::Node* fused);

// After `rewritten` rewrites: drops what no result needs and refreshes shapes. Returns `rewritten`.
int finish_rewrites(graph::Graph& graph, int rewritten);

// Attributes are text: nine significant digits give back the exact float.
std::string float_text(double v);

}  // namespace sparrow::passes
