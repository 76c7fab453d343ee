#include "frontends/ir/ir_reader.h"

#include "sparrow/error.h"

namespace sparrow::ir {

std::unique_ptr<graph::Graph> read_ir(const std::filesystem::path& xml, const std::filesystem::path& bin) {
  fail("IR reader not implemented yet");
}

std::unique_ptr<graph::Graph> read_ir_from_memory(const std::string&, std::shared_ptr<void>, const uint8_t*, size_t,
                                                  const std::string&) {
  fail("IR reader not implemented yet");
}

}  // namespace sparrow::ir
