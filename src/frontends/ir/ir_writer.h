// Writes a graph as OpenVINO IR v11 (xml + bin), the way OpenVINO's serializer lays it out: layers in
// topological order, Const payloads in the bin (identical payloads share one region), edges by port id.
//
// - Layer ids are fresh (0..n-1); input ports are numbered first, then outputs; the version is
//   "opset<node.version>".
// - Parameters come first in graph.parameters() order, results follow in graph.results() order, so that
//   a reader (ours or OpenVINO's, both order them by xml position) gets the same order back.
// - <data> holds node.attrs, except for Const (element_type, shape, offset, size from the value) and
//   Parameter (shape, element_type from its port).
// - Not written: exec_type, fused_names, rt_info. A dynamic-rank port has no <dim> (as in OpenVINO), so
//   it reads back as a scalar declaration; a Parameter keeps its dynamic rank through data shape "...".
// - Both files are written beside their targets and renamed over them, so the bin that the graph's
//   Consts view may be the one replaced. Throws sparrow::Error on a cycle, an unconnected input or an
//   I/O failure.
#pragma once

#include <filesystem>

#include "graph/graph.h"

namespace sparrow::ir {

void write_ir(const graph::Graph& graph, const std::filesystem::path& xml,
              const std::filesystem::path& bin = {});

}  // namespace sparrow::ir
