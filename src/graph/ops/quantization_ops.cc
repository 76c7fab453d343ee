// FakeQuantize-1, exactly as the opset1 spec and OpenVINO's reference compute it: arithmetic in the data type
// (f32), rounding half to even (std::nearbyint in the default rounding mode), and
//   x <= min(il, ih) -> ol;   x > max(il, ih) -> oh;
//   otherwise nearbyint((x - il) / (ih - il) * (levels - 1)) / (levels - 1) * (oh - ol) + ol.
// The four range inputs broadcast (numpy) into the shape of x; the output has x's shape and type.
#include <algorithm>
#include <cmath>

#include "graph/op_registry.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph {
namespace {

using namespace ops;

int64_t levels_attr(const Node& node) {
  int64_t levels = node.attrs.get_int("levels");
  SPARROW_CHECK(levels >= 2, "attribute 'levels' must be at least 2, found ", levels);
  return levels;
}

// Each range input must broadcast into x's shape without changing it.
void check_range_shapes(AutoBroadcast mode, const PartialShape& x, std::span<const ValueInfo> in) {
  for (size_t i = 1; i < in.size(); ++i) {
    const PartialShape& r = in[i].shape;
    if (mode == AutoBroadcast::kNone) {
      SPARROW_CHECK(x.compatible(r), "auto_broadcast is none but input ", i, " has shape ", r.to_string(),
                    ", data has ", x.to_string());
      continue;
    }
    PartialShape merged = broadcast_shapes(x, r);
    SPARROW_CHECK(merged.rank_is_dynamic() || x.rank_is_dynamic() || merged.compatible(x), "input ", i,
                  " with shape ", r.to_string(), " does not broadcast into the data shape ", x.to_string());
    SPARROW_CHECK(x.rank_is_dynamic() || r.rank_is_dynamic() || r.rank() <= x.rank(), "input ", i,
                  " with shape ", r.to_string(), " has a higher rank than the data ", x.to_string());
  }
}

template <typename T>
T quantize(T x, T il, T ih, T ol, T oh, T levels_minus_one) {
  if (x <= std::min(il, ih)) return ol;
  if (x > std::max(il, ih)) return oh;
  return static_cast<T>(
      std::nearbyint((x - il) / (ih - il) * levels_minus_one) / levels_minus_one * (oh - ol) + ol);
}

template <typename T>
Tensor fake_quantize_typed(std::span<const Tensor> in, int64_t levels) {
  const Shape& shape = in[0].shape();
  Tensor out = make_tensor(in[0].element_type(), shape);
  std::array<std::vector<size_t>, 5> strides;
  std::array<const T*, 5> p;
  for (size_t k = 0; k < 5; ++k) {
    strides[k] = broadcast_strides(in[k].shape(), shape);
    p[k] = in[k].data<T>();
  }
  T* o = out.data<T>();
  T lm1 = static_cast<T>(levels - 1);
  for_each_broadcast<5>(shape, strides, [&](size_t i, const std::array<size_t, 5>& off) {
    o[i] = quantize<T>(p[0][off[0]], p[1][off[1]], p[2][off[2]], p[3][off[3]], p[4][off[4]], lm1);
  });
  return out;
}

OpDef fake_quantize() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    levels_attr(node);
    for (size_t i = 0; i < in.size(); ++i) {
      SPARROW_CHECK(in[i].type == ElementType::undefined || is_float(in[i].type), "input ", i,
                    ": expected a floating-point type, found ", to_string(in[i].type));
      SPARROW_CHECK(in[i].type == in[0].type, "input ", i, " has type ", to_string(in[i].type), ", data has ",
                    to_string(in[0].type));
    }
    check_range_shapes(auto_broadcast(node), in[0].shape, in);
    return {{in[0].type, in[0].shape, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    int64_t levels = levels_attr(node);
    AutoBroadcast mode = auto_broadcast(node);
    ElementType type = in[0].element_type();
    check_float(type, "input 0");
    for (size_t i = 1; i < in.size(); ++i) {
      SPARROW_CHECK(in[i].element_type() == type, "input ", i, " has type ", to_string(in[i].element_type()),
                    ", data has ", to_string(type));
      SPARROW_CHECK(mode == AutoBroadcast::kNumpy || in[i].shape() == in[0].shape(),
                    "auto_broadcast is none but input ", i, " has shape ", to_string(in[i].shape()),
                    ", data has ", to_string(in[0].shape()));
      // broadcast_strides checks that the range shape broadcasts into x's shape.
    }
    if (type == ElementType::f64) return {fake_quantize_typed<double>(in, levels)};
    if (type == ElementType::f32) return {fake_quantize_typed<float>(in, levels)};
    std::vector<Tensor> f32;
    for (const Tensor& t : in) f32.push_back(to_f32(t));
    return {from_f32(fake_quantize_typed<float>(f32, levels), type)};
  };
  return {"FakeQuantize", {1}, 5, 5, infer, evaluate};
}

}  // namespace

void register_quantization_ops(OpRegistry& r) {
  r.add(fake_quantize());
}

}  // namespace sparrow::graph
