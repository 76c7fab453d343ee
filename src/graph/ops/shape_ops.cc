// Shape ops: ShapeOf, Reshape, Squeeze, Unsqueeze, Transpose, Concat, Broadcast, Tile, Split, VariadicSplit.
// All of them move raw elements, so every element type works, packed types included.
#include <algorithm>
#include <cctype>
#include <numeric>

#include "graph/op_registry.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph {
namespace {

using namespace ops;

// Copies every element of `out` from src[index_of(coords)], iterating output coordinates in row-major order.
template <class F>
void copy_by_coords(const Tensor& src, Tensor& out, F index_of) {
  const Shape& shape = out.shape();
  size_t total = out.size();
  if (total == 0) return;
  std::vector<int64_t> coord(shape.size(), 0);
  for (size_t o = 0; o < total; ++o) {
    copy_elements(src, index_of(coord), out, o, 1);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
}

// Copies data into `shape` with numpy strides (0 on broadcast dimensions) of `aligned` (same rank as shape).
Tensor broadcast_copy(const Tensor& data, const Shape& aligned, const Shape& shape) {
  Tensor out = make_tensor(data.element_type(), shape);
  std::vector<size_t> strides = broadcast_strides(aligned, shape);
  for_each_broadcast<1>(shape, {strides}, [&](size_t o, const std::array<size_t, 1>& off) {
    copy_elements(data, off[0], out, o, 1);
  });
  return out;
}

// ---- ShapeOf
// -----------------------------------------------------------------------------------------------

ElementType shape_of_type(const Node& node) {
  if (node.version < 3) return ElementType::i64;
  std::string name = node.attrs.get_string("output_type", "i64");
  std::optional<ElementType> t = parse_element_type(name);
  SPARROW_CHECK(t == ElementType::i64 || t == ElementType::i32,
                "attribute 'output_type': expected i32 or i64, found '", name, "'");
  return *t;
}

OpDef shape_of() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    const PartialShape& s = in[0].shape;
    int64_t rank = s.rank_is_dynamic() ? PartialShape::kDynamic : static_cast<int64_t>(s.rank());
    return {{shape_of_type(node), PartialShape{rank}, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    const Shape& s = in[0].shape();
    Tensor out = make_tensor(shape_of_type(node), {static_cast<int64_t>(s.size())});
    for (size_t i = 0; i < s.size(); ++i) write_int(out, i, s[i]);
    return {out};
  };
  return {"ShapeOf", {1, 3}, 1, 1, infer, evaluate};
}

// ---- Reshape
// -----------------------------------------------------------------------------------------------

PartialShape reshape_target(const PartialShape& in, const std::vector<int64_t>& target, bool special_zero) {
  std::vector<int64_t> out(target.size());
  int64_t minus_one = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t v = target[i];
    if (v == -1) {
      SPARROW_CHECK(minus_one < 0, "target shape has more than one -1: ", to_string(target));
      minus_one = static_cast<int64_t>(i);
      out[i] = PartialShape::kDynamic;
    } else if (v == 0 && special_zero) {
      if (in.rank_is_dynamic()) {
        out[i] = PartialShape::kDynamic;
      } else {
        SPARROW_CHECK(i < in.rank(), "target shape ", to_string(target), " copies dimension ", i,
                      " (special_zero) but the input has rank ", in.rank());
        out[i] = in[i];
      }
    } else {
      SPARROW_CHECK(v >= 0, "target shape ", to_string(target), " has the invalid dimension ", v);
      out[i] = v;
    }
  }
  if (!in.is_static()) return PartialShape(out);
  int64_t count = shape_size(in.to_shape());
  int64_t known = 1;
  for (size_t i = 0; i < out.size(); ++i)
    if (static_cast<int64_t>(i) != minus_one) {
      SPARROW_CHECK(out[i] == 0 || known <= std::numeric_limits<int64_t>::max() / out[i], "target shape ",
                    to_string(target), " is too large");
      known *= out[i];
    }
  if (minus_one >= 0) {
    if (known == 0) {
      SPARROW_CHECK(count == 0, "cannot infer the -1 of target shape ", to_string(target), " for ", count,
                    " elements: the other dimensions multiply to 0");
      out[minus_one] = 0;
    } else {
      SPARROW_CHECK(count % known == 0, "cannot reshape ", in.to_string(), " (", count, " elements) to ",
                    to_string(target), ": ", count, " is not a multiple of ", known);
      out[minus_one] = count / known;
    }
  } else {
    SPARROW_CHECK(known == count, "cannot reshape ", in.to_string(), " (", count, " elements) to ",
                  PartialShape(out).to_string(), " (", known, " elements)");
  }
  return PartialShape(out);
}

OpDef reshape() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_integral(in[1].type, "input 1 (shape)");
    check_rank_at_most_1(in[1].shape, "input 1 (shape)");
    bool special_zero = node.attrs.get_bool("special_zero", false);
    if (auto target = constant_ints(in[1], "input 1 (shape)"))
      return {{in[0].type, reshape_target(in[0].shape, *target, special_zero), {}}};
    const PartialShape& ts = in[1].shape;
    if (!ts.rank_is_dynamic() && ts.rank() == 1 && ts[0] >= 0)
      return {{in[0].type, PartialShape(std::vector<int64_t>(ts[0], PartialShape::kDynamic)), {}}};
    return {{in[0].type, PartialShape::dynamic_rank(), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    std::vector<int64_t> target = read_ints(in[1], "input 1 (shape)");
    bool special_zero = node.attrs.get_bool("special_zero", false);
    Shape out = reshape_target(PartialShape(in[0].shape()), target, special_zero).to_shape();
    return {in[0].reshaped(out)};
  };
  return {"Reshape", {1}, 2, 2, infer, evaluate};
}

// ---- Squeeze / Unsqueeze
// -----------------------------------------------------------------------------------

// Squeezes `in`. With axes, a listed dimension is removed when it is 1 (or unknown) and kept otherwise, as
// the current spec says. Without axes, every 1 is removed; an unknown dimension then makes the rank unknown.
PartialShape squeeze_shape(const PartialShape& in, const std::optional<std::vector<int64_t>>& axes) {
  if (in.rank_is_dynamic()) return in;
  int64_t rank = static_cast<int64_t>(in.rank());
  std::vector<bool> drop(in.rank(), false);
  if (axes && !axes->empty()) {
    for (int64_t a : normalize_axes(*axes, rank, "input 1 (axes)", false)) drop[a] = in[a] == 1 || in[a] < 0;
  } else {
    for (size_t d = 0; d < in.rank(); ++d) {
      if (in[d] < 0) return PartialShape::dynamic_rank();
      drop[d] = in[d] == 1;
    }
  }
  std::vector<int64_t> out;
  for (size_t d = 0; d < in.rank(); ++d)
    if (!drop[d]) out.push_back(in[d]);
  return PartialShape(out);
}

OpDef squeeze() {
  auto infer = [](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    if (in.size() < 2) return {{in[0].type, squeeze_shape(in[0].shape, std::nullopt), {}}};
    check_integral(in[1].type, "input 1 (axes)");
    check_rank_at_most_1(in[1].shape, "input 1 (axes)");
    auto axes = constant_ints(in[1], "input 1 (axes)");
    if (!axes) return {{in[0].type, PartialShape::dynamic_rank(), {}}};
    return {{in[0].type, squeeze_shape(in[0].shape, axes), {}}};
  };
  auto evaluate = [](const Node&, std::span<const Tensor> in) -> std::vector<Tensor> {
    std::optional<std::vector<int64_t>> axes;
    if (in.size() > 1) axes = read_ints(in[1], "input 1 (axes)");
    return {in[0].reshaped(squeeze_shape(PartialShape(in[0].shape()), axes).to_shape())};
  };
  return {"Squeeze", {1}, 1, 2, infer, evaluate};
}

PartialShape unsqueeze_shape(const PartialShape& in, const std::vector<int64_t>& axes) {
  if (in.rank_is_dynamic()) return in;
  int64_t out_rank = static_cast<int64_t>(in.rank() + axes.size());
  std::vector<bool> is_new(out_rank, false);
  for (int64_t a : normalize_axes(axes, out_rank, "input 1 (axes)", true)) is_new[a] = true;
  std::vector<int64_t> out;
  size_t next = 0;
  for (int64_t d = 0; d < out_rank; ++d) out.push_back(is_new[d] ? 1 : in[next++]);
  return PartialShape(out);
}

OpDef unsqueeze() {
  auto infer = [](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_integral(in[1].type, "input 1 (axes)");
    check_rank_at_most_1(in[1].shape, "input 1 (axes)");
    auto axes = constant_ints(in[1], "input 1 (axes)");
    if (!axes) return {{in[0].type, PartialShape::dynamic_rank(), {}}};
    return {{in[0].type, unsqueeze_shape(in[0].shape, *axes), {}}};
  };
  auto evaluate = [](const Node&, std::span<const Tensor> in) -> std::vector<Tensor> {
    auto axes = read_ints(in[1], "input 1 (axes)");
    return {in[0].reshaped(unsqueeze_shape(PartialShape(in[0].shape()), axes).to_shape())};
  };
  return {"Unsqueeze", {1}, 2, 2, infer, evaluate};
}

// ---- Transpose
// ---------------------------------------------------------------------------------------------

// The permutation for rank `rank`: empty means reversed; otherwise each of 0..rank-1 exactly once.
std::vector<int64_t> transpose_order(std::vector<int64_t> order, int64_t rank) {
  if (order.empty()) {
    order.resize(rank);
    std::iota(order.rbegin(), order.rend(), 0);
    return order;
  }
  SPARROW_CHECK(static_cast<int64_t>(order.size()) == rank, "input 1 (order) has ", order.size(),
                " values for an input of rank ", rank);
  std::vector<bool> seen(rank, false);
  for (int64_t a : order) {
    SPARROW_CHECK(a >= 0 && a < rank && !seen[a], "input 1 (order) ", to_string(Shape(order)),
                  " is not a permutation of 0..", rank - 1);
    seen[a] = true;
  }
  return order;
}

OpDef transpose() {
  auto infer = [](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_integral(in[1].type, "input 1 (order)");
    check_rank_at_most_1(in[1].shape, "input 1 (order)");
    const PartialShape& s = in[0].shape;
    auto order = constant_ints(in[1], "input 1 (order)");
    if (s.rank_is_dynamic()) return {{in[0].type, s, {}}};
    if (!order)
      return {{in[0].type, PartialShape(std::vector<int64_t>(s.rank(), PartialShape::kDynamic)), {}}};
    std::vector<int64_t> perm = transpose_order(*order, static_cast<int64_t>(s.rank()));
    std::vector<int64_t> out;
    for (int64_t a : perm) out.push_back(s[a]);
    return {{in[0].type, PartialShape(out), {}}};
  };
  auto evaluate = [](const Node&, std::span<const Tensor> in) -> std::vector<Tensor> {
    const Shape& s = in[0].shape();
    std::vector<int64_t> perm =
        transpose_order(read_ints(in[1], "input 1 (order)"), static_cast<int64_t>(s.size()));
    Shape out_shape;
    for (int64_t a : perm) out_shape.push_back(s[a]);
    Tensor out = make_tensor(in[0].element_type(), out_shape);
    std::vector<size_t> src_strides = row_major_strides(s);
    std::vector<size_t> strides(perm.size());
    for (size_t d = 0; d < perm.size(); ++d) strides[d] = src_strides[perm[d]];
    const size_t rank = perm.size();
    if (rank >= 2 && perm.back() == static_cast<int64_t>(rank - 1) && bit_width(in[0].element_type()) >= 8) {
      // The innermost axis stays innermost (attention's [0, 2, 1, 3]): copy whole rows.
      const size_t row = static_cast<size_t>(s.back());
      Shape outer(out_shape.begin(), out_shape.end() - 1);
      std::vector<size_t> outer_strides(strides.begin(), strides.end() - 1);
      for_each_broadcast<1>(outer, {outer_strides}, [&](size_t o, const std::array<size_t, 1>& off) {
        copy_elements(in[0], off[0], out, o * row, row);
      });
      return {out};
    }
    for_each_broadcast<1>(out_shape, {strides}, [&](size_t o, const std::array<size_t, 1>& off) {
      copy_elements(in[0], off[0], out, o, 1);
    });
    return {out};
  };
  return {"Transpose", {1}, 2, 2, infer, evaluate};
}

// ---- Concat
// ------------------------------------------------------------------------------------------------

OpDef concat() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    int64_t axis_attr = node.attrs.get_int("axis");
    PartialShape out = PartialShape::dynamic_rank();
    for (size_t i = 0; i < in.size(); ++i) {
      SPARROW_CHECK(in[i].type == in[0].type, "input ", i, " has element type ", to_string(in[i].type),
                    ", expected ", to_string(in[0].type));
      if (!in[i].shape.rank_is_dynamic()) out = in[i].shape;
    }
    if (out.rank_is_dynamic()) return {{in[0].type, out, {}}};
    SPARROW_CHECK(out.rank() > 0, "cannot concatenate scalars");
    int64_t axis = normalize_axis(axis_attr, static_cast<int64_t>(out.rank()), "attribute 'axis'");
    int64_t sum = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const PartialShape& s = in[i].shape;
      if (s.rank_is_dynamic()) {
        sum = PartialShape::kDynamic;
        continue;
      }
      SPARROW_CHECK(s.rank() == out.rank(), "input ", i, " has shape ", s.to_string(), ", expected rank ",
                    out.rank());
      for (size_t d = 0; d < s.rank(); ++d) {
        if (static_cast<int64_t>(d) == axis) continue;
        SPARROW_CHECK(s[d] < 0 || out[d] < 0 || s[d] == out[d], "input ", i, " has shape ", s.to_string(),
                      ", incompatible with ", out.to_string(), " outside axis ", axis);
        if (out[d] < 0) out[d] = s[d];
      }
      sum = (sum < 0 || s[axis] < 0) ? PartialShape::kDynamic : sum + s[axis];
    }
    out[axis] = sum;
    return {{in[0].type, out, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    Shape out_shape = in[0].shape();
    SPARROW_CHECK(!out_shape.empty(), "cannot concatenate scalars");
    int64_t axis = normalize_axis(node.attrs.get_int("axis"), static_cast<int64_t>(out_shape.size()),
                                  "attribute 'axis'");
    out_shape[axis] = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const Shape& s = in[i].shape();
      SPARROW_CHECK(in[i].element_type() == in[0].element_type(), "input ", i, " has element type ",
                    to_string(in[i].element_type()), ", expected ", to_string(in[0].element_type()));
      SPARROW_CHECK(s.size() == out_shape.size(), "input ", i, " has shape ", to_string(s),
                    ", expected rank ", out_shape.size());
      for (size_t d = 0; d < s.size(); ++d)
        SPARROW_CHECK(static_cast<int64_t>(d) == axis || s[d] == in[0].shape()[d], "input ", i, " has shape ",
                      to_string(s), ", incompatible with ", to_string(in[0].shape()), " outside axis ", axis);
      out_shape[axis] += s[axis];
    }
    Tensor out = make_tensor(in[0].element_type(), out_shape);
    size_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= out_shape[d];
    for (size_t d = axis + 1; d < out_shape.size(); ++d) inner *= out_shape[d];
    size_t out_row = static_cast<size_t>(out_shape[axis]) * inner;
    size_t offset = 0;
    for (const Tensor& t : in) {
      size_t row = static_cast<size_t>(t.shape()[axis]) * inner;
      for (size_t o = 0; o < outer; ++o) copy_elements(t, o * row, out, o * out_row + offset, row);
      offset += row;
    }
    return {out};
  };
  return {"Concat", {1}, 1, 1 << 20, infer, evaluate};
}

// ---- Broadcast
// ---------------------------------------------------------------------------------------------

enum class BroadcastMode { kNumpy, kExplicit, kBidirectional };

BroadcastMode broadcast_mode(const Node& node) {
  std::string mode = node.attrs.get_lowercase("mode", "numpy");
  if (mode == "numpy") return BroadcastMode::kNumpy;
  if (mode == "explicit") return BroadcastMode::kExplicit;
  if (mode == "bidirectional" && node.version >= 3) return BroadcastMode::kBidirectional;
  fail("attribute 'mode': expected numpy, explicit", node.version >= 3 ? " or bidirectional" : "",
       ", found '", mode, "'");
}

// Output shape for a known target; data dimensions may be unknown (-1).
PartialShape broadcast_shape(BroadcastMode mode, const PartialShape& data, const std::vector<int64_t>& target,
                             const std::optional<std::vector<int64_t>>& axes) {
  for (int64_t t : target)
    SPARROW_CHECK(t >= 0, "target shape ", to_string(target), " has a negative dimension");
  if (mode == BroadcastMode::kBidirectional) return broadcast_shapes(data, PartialShape(target));
  PartialShape out(target);
  if (data.rank_is_dynamic()) return out;
  if (mode == BroadcastMode::kNumpy) {
    SPARROW_CHECK(data.rank() <= target.size(), "cannot broadcast ", data.to_string(), " to the lower-rank ",
                  to_string(target));
    size_t offset = target.size() - data.rank();
    for (size_t d = 0; d < data.rank(); ++d)
      SPARROW_CHECK(data[d] < 0 || data[d] == 1 || data[d] == target[d + offset], "cannot broadcast ",
                    data.to_string(), " to ", to_string(target), " (numpy rules)");
    return out;
  }
  if (!axes) return out;
  SPARROW_CHECK(axes->size() == data.rank(), "input 2 (axes_mapping) has ", axes->size(),
                " values for data of rank ", data.rank());
  for (size_t i = 0; i < axes->size(); ++i) {
    int64_t a = (*axes)[i];
    SPARROW_CHECK(a >= 0 && a < static_cast<int64_t>(target.size()), "input 2 (axes_mapping) value ", a,
                  " is out of range for the output rank ", target.size());
    SPARROW_CHECK(i == 0 || a > (*axes)[i - 1], "input 2 (axes_mapping) must be strictly increasing, found ",
                  to_string(*axes));
    SPARROW_CHECK(data[i] < 0 || data[i] == 1 || data[i] == target[a], "cannot broadcast ", data.to_string(),
                  " to ", to_string(target), " with axes_mapping ", to_string(*axes));
  }
  return out;
}

OpDef broadcast() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    BroadcastMode mode = broadcast_mode(node);
    check_integral(in[1].type, "input 1 (target_shape)");
    check_rank_at_most_1(in[1].shape, "input 1 (target_shape)");
    SPARROW_CHECK(mode == BroadcastMode::kExplicit ? in.size() == 3 : in.size() == 2,
                  "mode explicit takes 3 inputs, the other modes 2; found ", in.size());
    std::optional<std::vector<int64_t>> axes;
    if (in.size() == 3) axes = constant_ints(in[2], "input 2 (axes_mapping)");
    if (auto target = constant_ints(in[1], "input 1 (target_shape)"))
      return {{in[0].type, broadcast_shape(mode, in[0].shape, *target, axes), {}}};
    const PartialShape& ts = in[1].shape;
    if (ts.rank_is_dynamic() || ts.rank() != 1 || ts[0] < 0)
      return {{in[0].type, PartialShape::dynamic_rank(), {}}};
    int64_t rank = ts[0];
    if (mode == BroadcastMode::kBidirectional) {
      if (in[0].shape.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank(), {}}};
      rank = std::max<int64_t>(rank, static_cast<int64_t>(in[0].shape.rank()));
    }
    return {{in[0].type, PartialShape(std::vector<int64_t>(rank, PartialShape::kDynamic)), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    BroadcastMode mode = broadcast_mode(node);
    SPARROW_CHECK(mode == BroadcastMode::kExplicit ? in.size() == 3 : in.size() == 2,
                  "mode explicit takes 3 inputs, the other modes 2; found ", in.size());
    std::vector<int64_t> target = read_ints(in[1], "input 1 (target_shape)");
    std::optional<std::vector<int64_t>> axes;
    if (in.size() == 3) axes = read_ints(in[2], "input 2 (axes_mapping)");
    const Shape& ds = in[0].shape();
    Shape out = broadcast_shape(mode, PartialShape(ds), target, axes).to_shape();
    check_shape(out, "output");
    Shape aligned(out.size(), 1);
    if (mode == BroadcastMode::kExplicit) {
      for (size_t i = 0; i < axes->size(); ++i) aligned[(*axes)[i]] = ds[i];
    } else {
      std::copy(ds.begin(), ds.end(), aligned.begin() + (out.size() - ds.size()));
    }
    return {broadcast_copy(in[0], aligned, out)};
  };
  return {"Broadcast", {1, 3}, 2, 3, infer, evaluate};
}

// ---- Tile
// --------------------------------------------------------------------------------------------------

OpDef tile() {
  auto infer = [](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_integral(in[1].type, "input 1 (repeats)");
    check_rank_at_most_1(in[1].shape, "input 1 (repeats)");
    auto repeats = constant_ints(in[1], "input 1 (repeats)");
    const PartialShape& s = in[0].shape;
    if (!repeats || s.rank_is_dynamic()) return {{in[0].type, PartialShape::dynamic_rank(), {}}};
    size_t rank = std::max(s.rank(), repeats->size());
    std::vector<int64_t> out(rank);
    for (size_t d = 0; d < rank; ++d) {
      int64_t dim = d < rank - s.rank() ? 1 : s[d - (rank - s.rank())];
      int64_t rep = d < rank - repeats->size() ? 1 : (*repeats)[d - (rank - repeats->size())];
      SPARROW_CHECK(rep >= 0, "input 1 (repeats) has the negative value ", rep);
      out[d] = dim < 0 ? PartialShape::kDynamic : dim * rep;
    }
    return {{in[0].type, PartialShape(out), {}}};
  };
  auto evaluate = [](const Node&, std::span<const Tensor> in) -> std::vector<Tensor> {
    std::vector<int64_t> repeats = read_ints(in[1], "input 1 (repeats)");
    const Shape& s = in[0].shape();
    size_t rank = std::max(s.size(), repeats.size());
    Shape data(rank, 1), out_shape(rank);
    std::copy(s.begin(), s.end(), data.begin() + (rank - s.size()));
    for (size_t d = 0; d < rank; ++d) {
      int64_t rep = d < rank - repeats.size() ? 1 : repeats[d - (rank - repeats.size())];
      SPARROW_CHECK(rep >= 0, "input 1 (repeats) has the negative value ", rep);
      SPARROW_CHECK(data[d] == 0 || rep <= (int64_t{1} << 40) / data[d], "input 1 (repeats) value ", rep,
                    " makes the output too large");
      out_shape[d] = data[d] * rep;
    }
    Tensor out = make_tensor(in[0].element_type(), out_shape);
    std::vector<size_t> strides = row_major_strides(data);
    copy_by_coords(in[0], out, [&](const std::vector<int64_t>& c) {
      size_t idx = 0;
      for (size_t d = 0; d < rank; ++d) idx += static_cast<size_t>(c[d] % data[d]) * strides[d];
      return idx;
    });
    return {out};
  };
  return {"Tile", {1}, 2, 2, infer, evaluate};
}

// ---- Split / VariadicSplit
// ---------------------------------------------------------------------------------

// The part [start, start + len) of `in` along `axis`.
Tensor slice_axis(const Tensor& in, int64_t axis, int64_t start, int64_t len) {
  Shape out_shape = in.shape();
  out_shape[axis] = len;
  Tensor out = make_tensor(in.element_type(), out_shape);
  size_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= out_shape[d];
  for (size_t d = axis + 1; d < out_shape.size(); ++d) inner *= out_shape[d];
  size_t in_row = static_cast<size_t>(in.shape()[axis]) * inner;
  size_t out_row = static_cast<size_t>(len) * inner;
  for (size_t o = 0; o < outer; ++o)
    copy_elements(in, o * in_row + static_cast<size_t>(start) * inner, out, o * out_row, out_row);
  return out;
}

// Lengths of the parts along a dimension of size `dim` (-1 when unknown). VariadicSplit lengths may hold one
// -1.
std::vector<int64_t> split_lengths(int64_t dim, std::vector<int64_t> lengths) {
  int64_t minus_one = -1, known = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] == -1) {
      SPARROW_CHECK(minus_one < 0, "input 2 (split_lengths) has more than one -1: ", to_string(lengths));
      minus_one = static_cast<int64_t>(i);
    } else {
      SPARROW_CHECK(lengths[i] >= 0, "input 2 (split_lengths) has the invalid value ", lengths[i]);
      known += lengths[i];
    }
  }
  if (dim < 0) return lengths;
  if (minus_one >= 0) {
    SPARROW_CHECK(known <= dim, "input 2 (split_lengths) ", to_string(lengths), " exceeds the dimension ",
                  dim);
    lengths[minus_one] = dim - known;
  } else {
    SPARROW_CHECK(known == dim, "input 2 (split_lengths) ", to_string(lengths), " sums to ", known,
                  ", the dimension is ", dim);
  }
  return lengths;
}

// Both Split and VariadicSplit: `lengths_of(dim)` gives the part lengths for a split dimension.
template <class Lengths>
std::vector<OutputPort> infer_split(const Node& node, std::span<const ValueInfo> in, Lengths lengths_of) {
  check_integral(in[1].type, "input 1 (axis)");
  std::vector<OutputPort> outs(node.outputs.size(), OutputPort{in[0].type, PartialShape::dynamic_rank(), {}});
  const PartialShape& s = in[0].shape;
  auto axis_value = constant_ints(in[1], "input 1 (axis)");
  if (s.rank_is_dynamic()) return outs;
  if (!axis_value) {
    for (auto& o : outs) o.shape = PartialShape(std::vector<int64_t>(s.rank(), PartialShape::kDynamic));
    return outs;
  }
  SPARROW_CHECK(axis_value->size() == 1, "input 1 (axis): expected one value, found ", axis_value->size());
  int64_t axis = normalize_axis((*axis_value)[0], static_cast<int64_t>(s.rank()), "input 1 (axis)");
  std::optional<std::vector<int64_t>> lengths = lengths_of(s[axis]);
  for (size_t i = 0; i < outs.size(); ++i) {
    PartialShape p = s;
    p[axis] = lengths ? (*lengths)[i] : PartialShape::kDynamic;
    outs[i].shape = p;
  }
  return outs;
}

std::vector<Tensor> evaluate_split(const Tensor& data, const Tensor& axis_t,
                                   const std::vector<int64_t>& lengths) {
  int64_t axis = normalize_axis(read_scalar_int(axis_t, "input 1 (axis)"),
                                static_cast<int64_t>(data.shape().size()), "input 1 (axis)");
  std::vector<Tensor> outs;
  int64_t start = 0;
  for (int64_t len : lengths) {
    outs.push_back(slice_axis(data, axis, start, len));
    start += len;
  }
  return outs;
}

int64_t split_axis_dim(const Tensor& data, const Tensor& axis_t) {
  SPARROW_CHECK(!data.shape().empty(), "cannot split a scalar");
  int64_t axis = normalize_axis(read_scalar_int(axis_t, "input 1 (axis)"),
                                static_cast<int64_t>(data.shape().size()), "input 1 (axis)");
  return data.shape()[axis];
}

OpDef split() {
  auto parts = [](const Node& node) {
    int64_t n = node.attrs.get_int("num_splits");
    SPARROW_CHECK(n > 0, "attribute 'num_splits' must be positive, found ", n);
    SPARROW_CHECK(static_cast<size_t>(n) == node.outputs.size(), "attribute 'num_splits' is ", n,
                  " but the node has ", node.outputs.size(), " outputs");
    return n;
  };
  auto lengths = [](int64_t dim, int64_t n) -> std::optional<std::vector<int64_t>> {
    if (dim < 0) return std::nullopt;
    SPARROW_CHECK(dim % n == 0, "dimension ", dim, " cannot be split into ", n, " equal parts");
    return std::vector<int64_t>(n, dim / n);
  };
  auto infer = [parts, lengths](const Node& node, std::span<const ValueInfo> in) {
    int64_t n = parts(node);
    return infer_split(node, in, [&](int64_t dim) { return lengths(dim, n); });
  };
  auto evaluate = [parts, lengths](const Node& node, std::span<const Tensor> in) {
    int64_t n = parts(node);
    return evaluate_split(in[0], in[1], *lengths(split_axis_dim(in[0], in[1]), n));
  };
  return {"Split", {1}, 2, 2, infer, evaluate};
}

OpDef variadic_split() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) {
    check_integral(in[2].type, "input 2 (split_lengths)");
    auto given = constant_ints(in[2], "input 2 (split_lengths)");
    if (given)
      SPARROW_CHECK(given->size() == node.outputs.size(), "input 2 (split_lengths) has ", given->size(),
                    " values but the node has ", node.outputs.size(), " outputs");
    return infer_split(node, in, [&](int64_t dim) -> std::optional<std::vector<int64_t>> {
      if (!given) return std::nullopt;
      std::vector<int64_t> l = split_lengths(dim, *given);
      return l;
    });
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) {
    std::vector<int64_t> given = read_ints(in[2], "input 2 (split_lengths)");
    SPARROW_CHECK(given.size() == node.outputs.size(), "input 2 (split_lengths) has ", given.size(),
                  " values but the node has ", node.outputs.size(), " outputs");
    return evaluate_split(in[0], in[1], split_lengths(split_axis_dim(in[0], in[1]), given));
  };
  return {"VariadicSplit", {1}, 3, 3, infer, evaluate};
}

}  // namespace

void register_shape_ops(OpRegistry& r) {
  r.add(shape_of());
  r.add(reshape());
  r.add(squeeze());
  r.add(unsqueeze());
  r.add(transpose());
  r.add(concat());
  r.add(broadcast());
  r.add(tile());
  r.add(split());
  r.add(variadic_split());
}

}  // namespace sparrow::graph
