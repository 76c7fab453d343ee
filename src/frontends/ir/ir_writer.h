// Writes a graph as OpenVINO IR v11 (xml + bin), the way OpenVINO's serializer lays it out: layers in
// topological order, Const payloads in the bin (identical payloads share one region), edges by port id.
#pragma once

#include <filesystem>

#include "graph/graph.h"

namespace sparrow::ir {

void write_ir(const graph::Graph& graph, const std::filesystem::path& xml,
              const std::filesystem::path& bin = {});

}  // namespace sparrow::ir
