// Reads OpenVINO IR v10/v11 (xml + bin) into a graph. Nothing read from the files is trusted: every offset,
// size, dimension, port id and edge is validated, and errors name the file, the layer (id and name) and what
// was expected versus found. Weights are memory-mapped; Const tensors view the mapping.
#pragma once

#include <filesystem>
#include <memory>

#include "graph/graph.h"

namespace sparrow::ir {

// `bin` defaults to `xml` with the extension replaced by ".bin". A model without Const data may have no bin.
std::unique_ptr<graph::Graph> read_ir(const std::filesystem::path& xml, const std::filesystem::path& bin = {});

// Same, from an xml text already in memory and weights in memory (kept alive by `weights_owner`).
std::unique_ptr<graph::Graph> read_ir_from_memory(const std::string& xml_text, std::shared_ptr<void> weights_owner,
                                                  const uint8_t* weights, size_t weights_size,
                                                  const std::string& source_name);

}  // namespace sparrow::ir
