#include "graph/op_registry.h"

namespace sparrow::graph {

void register_shape_ops(OpRegistry& r) {}

}  // namespace sparrow::graph
