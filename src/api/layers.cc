#include "api/impl.h"
#include "graph/weights.h"

namespace sparrow {

std::vector<LayerInfo> describe_layers(const graph::Graph& g) {
  std::vector<LayerInfo> layers;
  for (const graph::Node* n : g.topological_order()) {
    LayerInfo info;
    info.name = n->name;
    info.type = n->type;
    info.version = n->version;
    info.exec_type = n->exec_type;
    for (size_t i = 0; i < n->outputs.size(); ++i) {
      const graph::OutputPort& o = n->outputs[i];
      info.outputs.push_back({i, o.names.empty() ? n->name : o.names[0], o.names, o.type, o.shape});
    }
    if (n->packed_weights) {
      info.weight_shape = n->packed_weights->shape;
      info.weight_type = n->packed_weights->type;
      info.weight_zero_fraction = n->packed_weights->zero_fraction;
      info.weight_bytes = n->packed_weights->bytes;
      info.weight_zero_groups = n->packed_weights->zero_group_fraction;
      info.weight_format = n->packed_weights->format;
      info.packed_bytes = n->packed_weights->packed_bytes;
    } else if (n->type == "MatMul" || n->type == "QuantizedMatMul") {
      if (const graph::Node* w = graph::weight_constant(*n)) {
        info.weight_shape = w->value.shape();
        info.weight_type = w->value.element_type();
        info.weight_zero_fraction = graph::zero_fraction(w->value);
        info.weight_bytes = w->value.byte_size();
      }
    }
    layers.push_back(std::move(info));
  }
  return layers;
}

std::vector<LayerInfo> Model::layers() const { return describe_layers(*impl_->graph); }
std::vector<LayerInfo> CompiledModel::layers() const { return describe_layers(*impl_->compiled->graph); }

}  // namespace sparrow
