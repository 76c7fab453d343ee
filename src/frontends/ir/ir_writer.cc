#include "frontends/ir/ir_writer.h"

#include "sparrow/error.h"

namespace sparrow::ir {

void write_ir(const graph::Graph&, const std::filesystem::path&, const std::filesystem::path&) {
  fail("IR writer not implemented yet");
}

}  // namespace sparrow::ir
