// Reads OpenVINO IR v10/v11 (xml + bin) into a graph. Nothing read from the files is trusted: every offset,
// size, dimension, port id and edge is validated, and errors name the file, the layer (id and name) and what
// was expected versus found. Weights are memory-mapped; Const tensors view the mapping.
//
// What the graph gets:
// - one node per <layer>, in xml order, with node.source_id = the layer id; node.version is the op version
//   that the layer's "opsetN" selects in the op registry; every <data> attribute is kept as a string in
//   node.attrs.
// - inputs ordered by the layer's input <port> order, outputs by its output <port> order (the input and
//   output port ids of a layer share one id space; the order in the xml decides the index).
// - output ports carry the declared precision, dims (-1 = dynamic) and tensor names ("names", comma
//   separated, "\," escapes a comma inside a name). For Parameter and Const the type comes from data
//   element_type (and must agree with the port precision); a Parameter's shape comes from its data shape.
// - IR v10 has no tensor names; as OpenVINO does for v10, a Parameter's layer name is added to its output's
//   names, and each Result's producer port gets the producer layer's name ("name", or "name.port" when the
//   producer has several outputs).
// - parameters and results in xml order (as OpenVINO orders them).
// - Const tensors view the weights (no copy). Offsets in the bin need not be aligned, so a Const's data
//   pointer may be unaligned for its element type; consumers must not assume alignment. The mapping is
//   read-only: writing through a Const's data faults.
// Shapes are not inferred here: the caller runs graph::infer_shapes.
#pragma once

#include <filesystem>
#include <memory>

#include "graph/graph.h"

namespace sparrow::graph {
class OpRegistry;
}

namespace sparrow::ir {

// `bin` defaults to `xml` with the extension replaced by ".bin". A model without Const data may have no bin.
std::unique_ptr<graph::Graph> read_ir(const std::filesystem::path& xml,
                                      const std::filesystem::path& bin = {});

// Same, from an xml text already in memory and weights in memory (kept alive by `weights_owner`). `weights`
// may be null when there is no bin; any Const is then an error. Safe on arbitrary bytes: throws
// sparrow::Error.
std::unique_ptr<graph::Graph> read_ir_from_memory(const std::string& xml_text,
                                                  std::shared_ptr<void> weights_owner, const uint8_t* weights,
                                                  size_t weights_size, const std::string& source_name);

// The same two, resolving op types and versions against `registry` instead of graph::OpRegistry::instance()
// (tests use a registry of their own).
std::unique_ptr<graph::Graph> read_ir(const std::filesystem::path& xml, const std::filesystem::path& bin,
                                      const graph::OpRegistry& registry);
std::unique_ptr<graph::Graph> read_ir_from_memory(const std::string& xml_text,
                                                  std::shared_ptr<void> weights_owner, const uint8_t* weights,
                                                  size_t weights_size, const std::string& source_name,
                                                  const graph::OpRegistry& registry);

}  // namespace sparrow::ir
