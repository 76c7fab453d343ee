// Index ops: Gather, StridedSlice, Slice, Range, ScatterUpdate, ScatterElementsUpdate. Data is moved as raw
// elements, so every element type works; every index is checked before it is used.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include "graph/op_registry.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph {
namespace {

using namespace ops;

int64_t product(const std::vector<int64_t>& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t d = begin; d < end; ++d) p *= dims[d];
  return p;
}

// ---- Gather
// ------------------------------------------------------------------------------------------------

struct GatherAxes {
  int64_t axis;
  int64_t batch_dims;
};

GatherAxes gather_axes(const Node& node, int64_t axis_value, int64_t data_rank, int64_t indices_rank) {
  int64_t axis = normalize_axis(axis_value, data_rank, "input 2 (axis)");
  int64_t batch_dims = node.version >= 7 ? node.attrs.get_int("batch_dims", 0) : 0;
  if (batch_dims < 0) batch_dims += indices_rank;
  SPARROW_CHECK(batch_dims >= 0 && batch_dims <= indices_rank && batch_dims <= axis,
                "attribute 'batch_dims' (", node.attrs.get_int("batch_dims", 0),
                ") must lie in [0, min(axis=", axis, ", rank(indices)=", indices_rank, ")]");
  return {axis, batch_dims};
}

OpDef gather() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_integral(in[1].type, "input 1 (indices)");
    check_integral(in[2].type, "input 2 (axis)");
    const PartialShape& data = in[0].shape;
    const PartialShape& indices = in[1].shape;
    auto axis_value = constant_ints(in[2], "input 2 (axis)");
    if (data.rank_is_dynamic() || indices.rank_is_dynamic() || !axis_value)
      return {{in[0].type, PartialShape::dynamic_rank(), {}}};
    SPARROW_CHECK(axis_value->size() == 1, "input 2 (axis): expected one value, found ", axis_value->size());
    auto [axis, b] = gather_axes(node, (*axis_value)[0], static_cast<int64_t>(data.rank()),
                                 static_cast<int64_t>(indices.rank()));
    std::vector<int64_t> out;
    for (int64_t d = 0; d < axis; ++d) {
      int64_t dim = data[d];
      if (d < b) {
        SPARROW_CHECK(dim < 0 || indices[d] < 0 || dim == indices[d], "batch dimension ", d,
                      " differs: data ", data.to_string(), " vs indices ", indices.to_string());
        if (dim < 0) dim = indices[d];
      }
      out.push_back(dim);
    }
    for (size_t d = b; d < indices.rank(); ++d) out.push_back(indices[d]);
    for (size_t d = axis + 1; d < data.rank(); ++d) out.push_back(data[d]);
    return {{in[0].type, PartialShape(out), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    const Shape& ds = in[0].shape();
    const Shape& is = in[1].shape();
    auto [axis, b] = gather_axes(node, read_scalar_int(in[2], "input 2 (axis)"),
                                 static_cast<int64_t>(ds.size()), static_cast<int64_t>(is.size()));
    for (int64_t d = 0; d < b; ++d)
      SPARROW_CHECK(ds[d] == is[d], "batch dimension ", d, " differs: data ", to_string(ds), " vs indices ",
                    to_string(is));
    Shape out_shape(ds.begin(), ds.begin() + axis);
    out_shape.insert(out_shape.end(), is.begin() + b, is.end());
    out_shape.insert(out_shape.end(), ds.begin() + axis + 1, ds.end());
    Tensor out = make_tensor(in[0].element_type(), out_shape);
    std::vector<int64_t> indices = read_ints(in[1], "input 1 (indices)");
    size_t batch = product(ds, 0, b), outer = product(ds, b, axis), inner = product(ds, axis + 1, ds.size());
    size_t count = product(is, b, is.size());
    int64_t dim = ds[axis];
    bool negative_ok = node.version >= 8;
    for (size_t bi = 0; bi < batch; ++bi) {
      for (size_t j = 0; j < count; ++j) {
        int64_t k = indices[bi * count + j];
        // Out-of-range indices are an error, never zeros (Gather-8's spec would return zeros): a token id
        // outside the vocabulary must fail loudly rather than silently embed as a zero vector.
        if (negative_ok && k < 0 && k >= -dim) k += dim;
        if (k < 0 || k >= dim)
          fail("index ", indices[bi * count + j], " (position ", bi * count + j, " of indices ",
               to_string(is), ") is out of range [", negative_ok ? -dim : 0, ", ", dim - 1, "] for axis ",
               axis, " of data ", to_string(ds));
        for (size_t o = 0; o < outer; ++o) {
          size_t src = ((bi * outer + o) * dim + k) * inner;
          size_t dst = ((bi * outer + o) * count + j) * inner;
          copy_elements(in[0], src, out, dst, inner);
        }
      }
    }
    return {out};
  };
  return {"Gather", {1, 7, 8}, 3, 3, infer, evaluate};
}

// ---- slicing plans (StridedSlice, Slice)
// -------------------------------------------------------------------

// One input dimension of a slice: elements start, start + step, ... (count of them; -1 when unknown).
struct SliceDim {
  int64_t start = 0;
  int64_t step = 1;
  int64_t count = -1;
};

// Python slice semantics for a dimension of size `dim` (-1: unknown); nullopt begin/end mean "from the start"
// / "to the end" in the direction of `step`.
SliceDim python_slice(int64_t dim, std::optional<int64_t> begin, std::optional<int64_t> end, int64_t step) {
  SPARROW_CHECK(step != 0, "slice step must not be 0");
  if (dim < 0) return {0, step, -1};
  int64_t b, e;
  if (step > 0) {
    b = begin ? (*begin < 0 ? std::max<int64_t>(*begin + dim, 0) : std::min(*begin, dim)) : 0;
    e = end ? (*end < 0 ? std::max<int64_t>(*end + dim, 0) : std::min(*end, dim)) : dim;
    int64_t n = e > b
                    ? static_cast<int64_t>((static_cast<uint64_t>(e - b) + static_cast<uint64_t>(step) - 1) /
                                           static_cast<uint64_t>(step))
                    : 0;
    return {b, step, n};
  }
  b = begin ? (*begin < 0 ? std::max<int64_t>(*begin + dim, -1) : std::min(*begin, dim - 1)) : dim - 1;
  e = end ? (*end < 0 ? std::max<int64_t>(*end + dim, -1) : std::min(*end, dim - 1)) : -1;
  // step may be INT64_MIN; compute with a positive magnitude that cannot overflow.
  uint64_t mag = static_cast<uint64_t>(-(step + 1)) + 1;
  int64_t n = b > e ? static_cast<int64_t>((static_cast<uint64_t>(b - e) + mag - 1) / mag) : 0;
  return {b, step, n};
}

// Copies the plan's elements of `data` (one SliceDim per input dimension) into a tensor of shape `out_shape`
// (same element count; new axes and shrunk axes only relabel).
Tensor slice_copy(const Tensor& data, const std::vector<SliceDim>& plan, const Shape& out_shape) {
  Tensor out = make_tensor(data.element_type(), out_shape);
  size_t total = out.size();
  if (total == 0) return out;
  std::vector<size_t> strides = row_major_strides(data.shape());
  std::vector<int64_t> idx(plan.size(), 0);
  int64_t base = 0;
  for (size_t d = 0; d < plan.size(); ++d) base += plan[d].start * static_cast<int64_t>(strides[d]);
  for (size_t o = 0; o < total; ++o) {
    copy_elements(data, static_cast<size_t>(base), out, o, 1);
    for (size_t d = plan.size(); d-- > 0;) {
      int64_t s = plan[d].step * static_cast<int64_t>(strides[d]);
      if (++idx[d] < plan[d].count) {
        base += s;
        break;
      }
      base -= s * (plan[d].count - 1);
      idx[d] = 0;
    }
  }
  return out;
}

struct StridedPlan {
  std::vector<SliceDim> dims;      // per input dimension
  std::vector<int64_t> out_shape;  // -1 for unknown dimensions
};

std::vector<int64_t> mask_attr(const Node& node, const char* name, size_t length) {
  std::vector<int64_t> m = node.attrs.get_ints(name, {});
  m.resize(std::max(m.size(), length), 0);
  return m;
}

// begin/end/stride are nullopt when not constant (then every sliced dimension is unknown); m is their length.
StridedPlan plan_strided_slice(const Node& node, const PartialShape& data, size_t m,
                               const std::optional<std::vector<int64_t>>& begin,
                               const std::optional<std::vector<int64_t>>& end,
                               const std::optional<std::vector<int64_t>>& stride) {
  std::vector<int64_t> begin_mask = mask_attr(node, "begin_mask", m);
  std::vector<int64_t> end_mask = mask_attr(node, "end_mask", m);
  std::vector<int64_t> new_axis = mask_attr(node, "new_axis_mask", m);
  std::vector<int64_t> shrink = mask_attr(node, "shrink_axis_mask", m);
  std::vector<int64_t> ellipsis = mask_attr(node, "ellipsis_mask", m);
  SPARROW_CHECK(std::count_if(ellipsis.begin(), ellipsis.begin() + m, [](int64_t v) { return v != 0; }) <= 1,
                "attribute 'ellipsis_mask' has more than one bit set");
  int64_t rank = static_cast<int64_t>(data.rank());
  StridedPlan plan;
  int64_t in_dim = 0;
  auto full = [&](int64_t d) {
    plan.dims.push_back({0, 1, data[d]});
    plan.out_shape.push_back(data[d]);
  };
  for (size_t i = 0; i < m; ++i) {
    if (ellipsis[i]) {
      int64_t consumed_after = 0;
      for (size_t j = i + 1; j < m; ++j) consumed_after += new_axis[j] ? 0 : 1;
      int64_t n = rank - in_dim - consumed_after;
      SPARROW_CHECK(n >= 0, "the slice spec addresses more dimensions than the input rank ", rank);
      for (int64_t k = 0; k < n; ++k) full(in_dim++);
      continue;
    }
    if (new_axis[i]) {
      plan.out_shape.push_back(1);
      continue;
    }
    SPARROW_CHECK(in_dim < rank, "the slice spec addresses more dimensions than the input rank ", rank);
    int64_t dim = data[in_dim];
    int64_t step = stride ? (*stride)[i] : 1;
    SPARROW_CHECK(step != 0, "input 3 (stride) has a zero at position ", i);
    if (shrink[i]) {
      if (!begin || dim < 0) {
        plan.dims.push_back({0, 1, 1});
      } else {
        int64_t b = begin_mask[i] ? 0 : (*begin)[i];
        int64_t k = b < 0 ? b + dim : b;
        SPARROW_CHECK(k >= 0 && k < dim, "begin ", b, " at position ", i,
                      " is out of range for shrinking dimension ", in_dim, " of size ", dim);
        plan.dims.push_back({k, 1, 1});
      }
      ++in_dim;
      continue;
    }
    SliceDim sd{0, step, -1};
    if (begin && end)
      sd = python_slice(dim, begin_mask[i] ? std::nullopt : std::optional<int64_t>((*begin)[i]),
                        end_mask[i] ? std::nullopt : std::optional<int64_t>((*end)[i]), step);
    plan.dims.push_back(sd);
    plan.out_shape.push_back(sd.count);
    ++in_dim;
  }
  while (in_dim < rank) full(in_dim++);
  return plan;
}

OpDef strided_slice() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    for (size_t i = 1; i < in.size(); ++i) {
      check_integral(in[i].type, "slice input");
      check_rank_at_most_1(in[i].shape, "slice input");
    }
    const PartialShape& data = in[0].shape;
    const PartialShape& bs = in[1].shape;
    if (data.rank_is_dynamic() || bs.rank_is_dynamic() || bs.rank() != 1 || bs[0] < 0)
      return {{in[0].type, PartialShape::dynamic_rank(), {}}};
    auto begin = constant_ints(in[1], "input 1 (begin)");
    auto end = constant_ints(in[2], "input 2 (end)");
    std::optional<std::vector<int64_t>> stride;
    if (in.size() > 3) {
      stride = constant_ints(in[3], "input 3 (stride)");
      if (!stride) begin.reset();  // unknown steps: every sliced dimension is unknown
    }
    size_t m = static_cast<size_t>(bs[0]);
    for (const auto* v : {&begin, &end, &stride})
      if (*v) SPARROW_CHECK(v->value().size() == m, "begin, end and stride differ in length");
    return {{in[0].type, PartialShape(plan_strided_slice(node, data, m, begin, end, stride).out_shape), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    std::vector<int64_t> begin = read_ints(in[1], "input 1 (begin)");
    std::vector<int64_t> end = read_ints(in[2], "input 2 (end)");
    std::vector<int64_t> stride =
        in.size() > 3 ? read_ints(in[3], "input 3 (stride)") : std::vector<int64_t>(begin.size(), 1);
    SPARROW_CHECK(end.size() == begin.size() && stride.size() == begin.size(), "begin (", begin.size(),
                  "), end (", end.size(), ") and stride (", stride.size(), ") differ in length");
    StridedPlan plan =
        plan_strided_slice(node, PartialShape(in[0].shape()), begin.size(), begin, end, stride);
    return {slice_copy(in[0], plan.dims, plan.out_shape)};
  };
  return {"StridedSlice", {1}, 3, 4, infer, evaluate};
}

// Slice-8: start/stop/step per listed axis (all axes in order when `axes` is absent).
std::vector<SliceDim> plan_slice(const PartialShape& data, const std::vector<int64_t>& start,
                                 const std::vector<int64_t>& stop, const std::vector<int64_t>& step,
                                 const std::optional<std::vector<int64_t>>& axes_in) {
  SPARROW_CHECK(stop.size() == start.size() && step.size() == start.size(), "start (", start.size(),
                "), stop (", stop.size(), ") and step (", step.size(), ") differ in length");
  int64_t rank = static_cast<int64_t>(data.rank());
  std::vector<int64_t> axes;
  if (axes_in) {
    SPARROW_CHECK(axes_in->size() == start.size(), "input 4 (axes) has ", axes_in->size(),
                  " values, start has ", start.size());
    axes = normalize_axes(*axes_in, rank, "input 4 (axes)", true);
  } else {
    SPARROW_CHECK(static_cast<int64_t>(start.size()) <= rank, "start has ", start.size(),
                  " values for an input of rank ", rank);
    for (size_t i = 0; i < start.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  }
  std::vector<SliceDim> plan;
  for (int64_t d = 0; d < rank; ++d) plan.push_back({0, 1, data[d]});
  for (size_t i = 0; i < axes.size(); ++i) {
    SPARROW_CHECK(step[i] != 0, "input 3 (step) has a zero at position ", i);
    plan[axes[i]] = python_slice(data[axes[i]], start[i], stop[i], step[i]);
  }
  return plan;
}

OpDef slice() {
  auto infer = [](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    for (size_t i = 1; i < in.size(); ++i) {
      check_integral(in[i].type, "slice input");
      check_rank_at_most_1(in[i].shape, "slice input");
    }
    const PartialShape& data = in[0].shape;
    if (data.rank_is_dynamic()) return {{in[0].type, data, {}}};
    auto start = constant_ints(in[1], "input 1 (start)");
    auto stop = constant_ints(in[2], "input 2 (stop)");
    auto step = constant_ints(in[3], "input 3 (step)");
    std::optional<std::vector<int64_t>> axes;
    if (in.size() > 4) {
      axes = constant_ints(in[4], "input 4 (axes)");
      if (!axes) return {{in[0].type, PartialShape(std::vector<int64_t>(data.rank(), -1)), {}}};
    }
    if (!start || !stop || !step) {
      std::vector<int64_t> out = data.dims();
      if (axes) {
        for (int64_t a : normalize_axes(*axes, static_cast<int64_t>(data.rank()), "input 4 (axes)"))
          out[a] = -1;
      } else {
        std::fill(out.begin(), out.end(), -1);
      }
      return {{in[0].type, PartialShape(out), {}}};
    }
    std::vector<int64_t> out;
    for (const SliceDim& d : plan_slice(data, *start, *stop, *step, axes)) out.push_back(d.count);
    return {{in[0].type, PartialShape(out), {}}};
  };
  auto evaluate = [](const Node&, std::span<const Tensor> in) -> std::vector<Tensor> {
    std::optional<std::vector<int64_t>> axes;
    if (in.size() > 4) axes = read_ints(in[4], "input 4 (axes)");
    std::vector<SliceDim> plan =
        plan_slice(PartialShape(in[0].shape()), read_ints(in[1], "input 1 (start)"),
                   read_ints(in[2], "input 2 (stop)"), read_ints(in[3], "input 3 (step)"), axes);
    Shape out_shape;
    for (const SliceDim& d : plan) out_shape.push_back(d.count);
    return {slice_copy(in[0], plan, out_shape)};
  };
  return {"Slice", {8}, 4, 5, infer, evaluate};
}

// ---- Range
// -------------------------------------------------------------------------------------------------

ElementType range_type(const Node& node, std::span<const ElementType> inputs) {
  if (node.version < 4) {
    for (size_t i = 1; i < inputs.size(); ++i)
      SPARROW_CHECK(inputs[i] == inputs[0], "Range-1 inputs must share one type, found ",
                    to_string(inputs[0]), " and ", to_string(inputs[i]));
    return inputs[0];
  }
  std::string name = node.attrs.get_string("output_type");
  std::optional<ElementType> t = parse_element_type(name);
  SPARROW_CHECK(t && *t != ElementType::undefined && *t != ElementType::boolean,
                "attribute 'output_type': expected a numeric type, found '", name, "'");
  return *t;
}

struct RangeSpec {
  double start, step;
  int64_t count;
};

RangeSpec range_spec(double start, double stop, double step, ElementType type) {
  SPARROW_CHECK(std::isfinite(start) && std::isfinite(stop) && std::isfinite(step), "start (", start,
                "), stop (", stop, ") and step (", step, ") must be finite");
  if (is_integral(type)) {  // values are cast to the integer output type, rounding toward zero
    start = std::trunc(start);
    stop = std::trunc(stop);
    step = std::trunc(step);
  }
  SPARROW_CHECK(step != 0, "step must not be zero");
  double n = std::ceil((stop - start) / step);
  SPARROW_CHECK(n <= static_cast<double>(int64_t{1} << 34), "Range would produce ", n, " elements");
  return {start, step, n > 0 ? static_cast<int64_t>(n) : 0};
}

OpDef range() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    std::vector<ElementType> types;
    for (const ValueInfo& v : in) {
      SPARROW_CHECK(v.type != ElementType::boolean, "Range inputs must be numeric");
      SPARROW_CHECK(!v.shape.is_static() || shape_size(v.shape.to_shape()) == 1,
                    "Range inputs must be scalars, found shape ", v.shape.to_string());
      types.push_back(v.type);
    }
    ElementType type = range_type(node, types);
    if (in[0].value && in[1].value && in[2].value) {
      RangeSpec s = range_spec(read_double(*in[0].value, 0), read_double(*in[1].value, 0),
                               read_double(*in[2].value, 0), type);
      return {{type, PartialShape{s.count}, {}}};
    }
    return {{type, PartialShape{PartialShape::kDynamic}, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    std::vector<ElementType> types;
    for (const Tensor& t : in) {
      SPARROW_CHECK(t.size() == 1, "Range inputs must be scalars, found shape ", to_string(t.shape()));
      types.push_back(t.element_type());
    }
    ElementType type = range_type(node, types);
    RangeSpec s = range_spec(read_double(in[0], 0), read_double(in[1], 0), read_double(in[2], 0), type);
    Tensor out = make_tensor(type, {s.count});
    for (int64_t i = 0; i < s.count; ++i) write_double(out, i, s.start + static_cast<double>(i) * s.step);
    return {out};
  };
  return {"Range", {1, 4}, 3, 3, infer, evaluate};
}

// ---- ScatterUpdate
// -----------------------------------------------------------------------------------------

OpDef scatter_update() {
  auto infer = [](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_integral(in[1].type, "input 1 (indices)");
    check_integral(in[3].type, "input 3 (axis)");
    SPARROW_CHECK(in[2].type == in[0].type, "input 2 (updates) has type ", to_string(in[2].type),
                  ", data has ", to_string(in[0].type));
    return {{in[0].type, in[0].shape, {}}};
  };
  auto evaluate = [](const Node&, std::span<const Tensor> in) -> std::vector<Tensor> {
    const Shape& ds = in[0].shape();
    const Shape& is = in[1].shape();
    const Shape& us = in[2].shape();
    SPARROW_CHECK(in[2].element_type() == in[0].element_type(), "input 2 (updates) has type ",
                  to_string(in[2].element_type()), ", data has ", to_string(in[0].element_type()));
    int64_t axis = normalize_axis(read_scalar_int(in[3], "input 3 (axis)"), static_cast<int64_t>(ds.size()),
                                  "input 3 (axis)");
    Shape expected(ds.begin(), ds.begin() + axis);
    expected.insert(expected.end(), is.begin(), is.end());
    expected.insert(expected.end(), ds.begin() + axis + 1, ds.end());
    SPARROW_CHECK(us == expected, "input 2 (updates) has shape ", to_string(us), ", expected ",
                  to_string(expected));
    Tensor out = in[0].copy();
    std::vector<int64_t> indices = read_ints(in[1], "input 1 (indices)");
    size_t outer = product(ds, 0, axis), inner = product(ds, axis + 1, ds.size());
    int64_t dim = ds[axis];
    for (size_t j = 0; j < indices.size(); ++j) {
      int64_t k = indices[j];
      if (k < 0 && k >= -dim) k += dim;
      SPARROW_CHECK(k >= 0 && k < dim, "index ", indices[j], " (position ", j, ") is out of range [", -dim,
                    ", ", dim - 1, "] for axis ", axis, " of data ", to_string(ds));
      for (size_t o = 0; o < outer; ++o)
        copy_elements(in[2], (o * indices.size() + j) * inner, out, (o * dim + k) * inner, inner);
    }
    return {out};
  };
  return {"ScatterUpdate", {3}, 4, 4, infer, evaluate};
}

// ---- ScatterElementsUpdate
// ---------------------------------------------------------------------------------

enum class Reduction { kNone, kSum, kProd, kMin, kMax, kMean };

Reduction scatter_reduction(const Node& node) {
  if (node.version < 12) return Reduction::kNone;
  std::string r = node.attrs.get_lowercase("reduction", "none");
  if (r == "none") return Reduction::kNone;
  if (r == "sum") return Reduction::kSum;
  if (r == "prod") return Reduction::kProd;
  if (r == "min") return Reduction::kMin;
  if (r == "max") return Reduction::kMax;
  if (r == "mean") return Reduction::kMean;
  fail("attribute 'reduction': expected none, sum, prod, min, max or mean, found '", r, "'");
}

double reduce_pair(Reduction r, double acc, double v) {
  switch (r) {
    case Reduction::kSum:
    case Reduction::kMean:
      return acc + v;
    case Reduction::kProd:
      return acc * v;
    case Reduction::kMin:
      return std::min(acc, v);
    case Reduction::kMax:
      return std::max(acc, v);
    case Reduction::kNone:
      return v;
  }
  return v;
}

OpDef scatter_elements_update() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    scatter_reduction(node);
    check_integral(in[1].type, "input 1 (indices)");
    check_integral(in[3].type, "input 3 (axis)");
    SPARROW_CHECK(in[2].type == in[0].type, "input 2 (updates) has type ", to_string(in[2].type),
                  ", data has ", to_string(in[0].type));
    SPARROW_CHECK(in[1].shape.compatible(in[2].shape), "indices ", in[1].shape.to_string(), " and updates ",
                  in[2].shape.to_string(), " must have the same shape");
    return {{in[0].type, in[0].shape, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    Reduction red = scatter_reduction(node);
    bool use_init = node.attrs.get_bool("use_init_val", true);
    const Shape& ds = in[0].shape();
    const Shape& is = in[1].shape();
    ElementType type = in[0].element_type();
    SPARROW_CHECK(in[2].element_type() == type, "input 2 (updates) has type ",
                  to_string(in[2].element_type()), ", data has ", to_string(type));
    SPARROW_CHECK(in[2].shape() == is, "indices ", to_string(is), " and updates ", to_string(in[2].shape()),
                  " must have the same shape");
    SPARROW_CHECK(is.size() == ds.size(), "indices ", to_string(is), " must have the rank of data ",
                  to_string(ds));
    int64_t axis = normalize_axis(read_scalar_int(in[3], "input 3 (axis)"), static_cast<int64_t>(ds.size()),
                                  "input 3 (axis)");
    for (size_t d = 0; d < ds.size(); ++d)
      SPARROW_CHECK(static_cast<int64_t>(d) == axis || is[d] <= ds[d], "indices ", to_string(is),
                    " exceed data ", to_string(ds), " in dimension ", d);
    SPARROW_CHECK(red == Reduction::kNone || type != ElementType::boolean || red != Reduction::kMean,
                  "reduction mean is not defined for boolean data");
    SPARROW_CHECK(red == Reduction::kNone || bit_width(type) >= 8,
                  "reductions need a non-packed type, found ", to_string(type));
    Tensor out = in[0].copy();
    std::vector<int64_t> indices = read_ints(in[1], "input 1 (indices)");
    std::vector<size_t> dstrides = row_major_strides(ds);
    std::vector<double> acc(red == Reduction::kNone ? 0 : out.size());
    std::vector<int64_t> count(acc.size(), 0);
    std::vector<int64_t> coord(is.size(), 0);
    int64_t dim = ds[axis];
    for (size_t u = 0; u < indices.size(); ++u) {
      int64_t k = indices[u];
      if (k < 0 && k >= -dim) k += dim;
      SPARROW_CHECK(k >= 0 && k < dim, "index ", indices[u], " (position ", u, ") is out of range [", -dim,
                    ", ", dim - 1, "] for axis ", axis, " of data ", to_string(ds));
      size_t t = 0;
      for (size_t d = 0; d < is.size(); ++d)
        t += static_cast<size_t>(static_cast<int64_t>(d) == axis ? k : coord[d]) * dstrides[d];
      if (red == Reduction::kNone) {
        copy_elements(in[2], u, out, t, 1);
      } else {
        double v = read_double(in[2], u);
        if (count[t] == 0 && !use_init)
          acc[t] = v;
        else
          acc[t] = reduce_pair(red, count[t] == 0 ? read_double(in[0], t) : acc[t], v);
        ++count[t];
      }
      for (size_t d = is.size(); d-- > 0;) {
        if (++coord[d] < is[d]) break;
        coord[d] = 0;
      }
    }
    for (size_t t = 0; t < count.size(); ++t) {
      if (count[t] == 0) continue;
      double v = acc[t];
      if (red == Reduction::kMean) {
        v /= static_cast<double>(count[t] + (use_init ? 1 : 0));
        if (!is_float(type)) v = std::floor(v);  // the spec rounds integer means down
      }
      write_double(out, t, v);
    }
    return {out};
  };
  return {"ScatterElementsUpdate", {3, 12}, 4, 4, infer, evaluate};
}

}  // namespace

void register_index_ops(OpRegistry& r) {
  r.add(gather());
  r.add(strided_slice());
  r.add(slice());
  r.add(range());
  r.add(scatter_update());
  r.add(scatter_elements_update());
}

}  // namespace sparrow::graph
