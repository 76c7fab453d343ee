#include "graph/op_registry.h"

namespace sparrow::graph {

void register_math_ops(OpRegistry& r) {}

}  // namespace sparrow::graph
