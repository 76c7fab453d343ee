#include "graph/op_registry.h"

namespace sparrow::graph {

void register_index_ops(OpRegistry& r) {}

}  // namespace sparrow::graph
