// Elementwise ops: binary arithmetic and comparisons with numpy broadcasting, logical ops, unary math,
// Clamp, Convert, Select and Gelu. f16/bf16 arithmetic is computed in f32 and rounded back; f32 unary math is
// computed in double and rounded once.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numbers>
#include <type_traits>

#include "base/thread_pool.h"
#include "graph/op_registry.h"
#include "graph/ops/op_utils.h"

namespace sparrow::graph {
namespace {

using namespace ops;

// ---- typed helpers
// -----------------------------------------------------------------------------------------

// Integer arithmetic wraps modulo 2^bits (as OpenVINO's CPU code does) instead of being undefined on
// overflow.
template <typename T>
using Unsigned = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

template <typename T>
T add_wrap(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<Unsigned<T>>(a) + static_cast<Unsigned<T>>(b));
  else
    return a + b;
}

template <typename T>
T sub_wrap(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<Unsigned<T>>(a) - static_cast<Unsigned<T>>(b));
  else
    return a - b;
}

template <typename T>
T mul_wrap(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(static_cast<Unsigned<T>>(a) * static_cast<Unsigned<T>>(b));
  else
    return a * b;
}

template <typename T>
T divide(T a, T b, bool python_div) {
  if constexpr (std::is_floating_point_v<T>) {
    return a / b;
  } else {
    SPARROW_CHECK(b != 0, "integer division by zero");
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return sub_wrap<T>(0, a);  // avoids the overflow of lowest / -1
      T q = static_cast<T>(a / b);
      if (python_div && a % b != 0 && ((a < 0) != (b < 0))) --q;
      return q;
    } else {
      return static_cast<T>(a / b);
    }
  }
}

template <typename T>
T power(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  } else {
    if constexpr (std::is_signed_v<T>) {
      if (b < 0) {
        // The exact result truncated toward zero: only |a| == 1 gives a non-zero value.
        if (a == 1) return 1;
        if (a == -1) return (b % 2 == 0) ? 1 : -1;
        return 0;
      }
    }
    T result = 1;
    T base = a;
    for (auto e = b; e > 0; e /= 2) {
      if (e % 2) result = mul_wrap(result, base);
      base = mul_wrap(base, base);
    }
    return result;
  }
}

// Applies f elementwise with broadcasting; T in, U out.
template <typename T, typename U, typename F>
Tensor binary_map(const Tensor& a, const Tensor& b, const Shape& out_shape, ElementType out_type, F f) {
  Tensor out = make_tensor(out_type, out_shape);
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  U* po = out.data<U>();
  for_each_broadcast<2>(
      out_shape, {broadcast_strides(a.shape(), out_shape), broadcast_strides(b.shape(), out_shape)},
      [&](size_t o, const std::array<size_t, 2>& off) { po[o] = f(pa[off[0]], pb[off[1]]); });
  return out;
}

// ---- binary arithmetic
// -------------------------------------------------------------------------------------

enum class Arith { kAdd, kSub, kMul, kDiv, kPow, kMax, kMin, kSquaredDiff };

template <typename T>
Tensor arith_typed(Arith op, const Tensor& a, const Tensor& b, const Shape& shape, ElementType type,
                   bool pydiv) {
  switch (op) {
    case Arith::kAdd:
      return binary_map<T, T>(a, b, shape, type, [](T x, T y) { return add_wrap(x, y); });
    case Arith::kSub:
      return binary_map<T, T>(a, b, shape, type, [](T x, T y) { return sub_wrap(x, y); });
    case Arith::kMul:
      return binary_map<T, T>(a, b, shape, type, [](T x, T y) { return mul_wrap(x, y); });
    case Arith::kDiv:
      return binary_map<T, T>(a, b, shape, type, [=](T x, T y) { return divide(x, y, pydiv); });
    case Arith::kPow:
      return binary_map<T, T>(a, b, shape, type, [](T x, T y) { return power(x, y); });
    case Arith::kMax:
      return binary_map<T, T>(a, b, shape, type, [](T x, T y) { return std::max(x, y); });
    case Arith::kMin:
      return binary_map<T, T>(a, b, shape, type, [](T x, T y) { return std::min(x, y); });
    case Arith::kSquaredDiff:
      return binary_map<T, T>(a, b, shape, type, [](T x, T y) {
        T d = sub_wrap(x, y);
        return mul_wrap(d, d);
      });
  }
  fail("unknown arithmetic op");
}

void check_same_types(std::span<const ElementType> types) {
  for (size_t i = 1; i < types.size(); ++i)
    SPARROW_CHECK(types[i] == types[0], "input ", i, " has element type ", to_string(types[i]), ", expected ",
                  to_string(types[0]), " like input 0");
}

void check_same_types(std::span<const ValueInfo> in) {
  std::vector<ElementType> t;
  for (const ValueInfo& v : in) t.push_back(v.type);
  check_same_types(t);
}

void check_same_types(std::span<const Tensor> in) {
  std::vector<ElementType> t;
  for (const Tensor& v : in) t.push_back(v.element_type());
  check_same_types(t);
}

OpDef arithmetic(std::string type, Arith op) {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_same_types(in);
    SPARROW_CHECK(in[0].type != ElementType::boolean, "arithmetic on boolean tensors is not supported");
    return {{in[0].type, elementwise_shape(node, in), {}}};
  };
  auto evaluate = [op](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    check_same_types(in);
    Shape shape = elementwise_shape(node, in);
    ElementType type = in[0].element_type();
    bool pydiv = node.attrs.get_bool("m_pythondiv", true);
    if (is_half(type))
      return {from_f32(arith_typed<float>(op, to_f32(in[0]), to_f32(in[1]), shape, ElementType::f32, pydiv),
                       type)};
    return {dispatch_numeric(type, node.type, [&](auto tag) {
      return arith_typed<decltype(tag)>(op, in[0], in[1], shape, type, pydiv);
    })};
  };
  return {std::move(type), {1}, 2, 2, infer, evaluate};
}

// ---- comparisons and logical ops
// ---------------------------------------------------------------------------

enum class Compare { kEq, kNe, kLt, kLe, kGt, kGe };

template <typename T>
Tensor compare_typed(Compare op, const Tensor& a, const Tensor& b, const Shape& shape) {
  constexpr ElementType kBool = ElementType::boolean;
  switch (op) {
    case Compare::kEq:
      return binary_map<T, uint8_t>(a, b, shape, kBool, [](T x, T y) { return x == y; });
    case Compare::kNe:
      return binary_map<T, uint8_t>(a, b, shape, kBool, [](T x, T y) { return x != y; });
    case Compare::kLt:
      return binary_map<T, uint8_t>(a, b, shape, kBool, [](T x, T y) { return x < y; });
    case Compare::kLe:
      return binary_map<T, uint8_t>(a, b, shape, kBool, [](T x, T y) { return x <= y; });
    case Compare::kGt:
      return binary_map<T, uint8_t>(a, b, shape, kBool, [](T x, T y) { return x > y; });
    case Compare::kGe:
      return binary_map<T, uint8_t>(a, b, shape, kBool, [](T x, T y) { return x >= y; });
  }
  fail("unknown comparison");
}

OpDef comparison(std::string type, Compare op) {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    check_same_types(in);
    return {{ElementType::boolean, elementwise_shape(node, in), {}}};
  };
  auto evaluate = [op](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    check_same_types(in);
    Shape shape = elementwise_shape(node, in);
    ElementType type = in[0].element_type();
    if (type == ElementType::boolean) return {compare_typed<uint8_t>(op, in[0], in[1], shape)};
    if (is_half(type)) return {compare_typed<float>(op, to_f32(in[0]), to_f32(in[1]), shape)};
    return {dispatch_numeric(
        type, node.type, [&](auto tag) { return compare_typed<decltype(tag)>(op, in[0], in[1], shape); })};
  };
  return {std::move(type), {1}, 2, 2, infer, evaluate};
}

enum class Logic { kAnd, kOr };

OpDef logical(std::string type, Logic op) {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].type == ElementType::boolean, "input ", i, ": expected boolean, found ",
                    to_string(in[i].type));
    return {{ElementType::boolean, elementwise_shape(node, in), {}}};
  };
  auto evaluate = [op](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    for (size_t i = 0; i < in.size(); ++i)
      SPARROW_CHECK(in[i].element_type() == ElementType::boolean, "input ", i, ": expected boolean, found ",
                    to_string(in[i].element_type()));
    Shape shape = elementwise_shape(node, in);
    if (op == Logic::kAnd)
      return {binary_map<uint8_t, uint8_t>(in[0], in[1], shape, ElementType::boolean,
                                           [](uint8_t x, uint8_t y) -> uint8_t { return x && y; })};
    return {binary_map<uint8_t, uint8_t>(in[0], in[1], shape, ElementType::boolean,
                                         [](uint8_t x, uint8_t y) -> uint8_t { return x || y; })};
  };
  return {std::move(type), {1}, 2, 2, infer, evaluate};
}

OpDef logical_not() {
  auto infer = [](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type == ElementType::boolean, "expected a boolean input, found ",
                  to_string(in[0].type));
    return {{ElementType::boolean, in[0].shape, {}}};
  };
  auto evaluate = [](const Node&, std::span<const Tensor> in) -> std::vector<Tensor> {
    SPARROW_CHECK(in[0].element_type() == ElementType::boolean, "expected a boolean input, found ",
                  to_string(in[0].element_type()));
    Tensor out = make_tensor(ElementType::boolean, in[0].shape());
    const uint8_t* a = in[0].data<uint8_t>();
    uint8_t* o = out.data<uint8_t>();
    for (size_t i = 0; i < out.size(); ++i) o[i] = !a[i];
    return {out};
  };
  return {"LogicalNot", {1}, 1, 1, infer, evaluate};
}

// ---- unary math
// --------------------------------------------------------------------------------------------

enum class Unary { kSqrt, kErf, kTanh, kExp, kLog, kAbs, kNeg, kSigmoid, kRelu, kFloor, kGeluErf, kGeluTanh };

double unary_math(Unary op, double x) {
  switch (op) {
    case Unary::kSqrt:
      return std::sqrt(x);
    case Unary::kErf:
      return std::erf(x);
    case Unary::kTanh:
      return std::tanh(x);
    case Unary::kExp:
      return std::exp(x);
    case Unary::kLog:
      return std::log(x);
    case Unary::kAbs:
      return std::fabs(x);
    case Unary::kNeg:
      return -x;
    case Unary::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case Unary::kRelu:
      return x > 0 ? x : 0.0;
    case Unary::kFloor:
      return std::floor(x);
    case Unary::kGeluErf:
      return gelu_erf(x);
    case Unary::kGeluTanh:
      return gelu_tanh(x);
  }
  return x;
}

template <typename T>
T unary_integer(Unary op, T x) {
  switch (op) {
    case Unary::kAbs:
      if constexpr (std::is_signed_v<T>) return x < 0 ? sub_wrap<T>(0, x) : x;
      return x;
    case Unary::kNeg:
      return sub_wrap<T>(0, x);
    case Unary::kRelu:
      return x > 0 ? x : T{0};
    case Unary::kFloor:
      return x;
    default: {
      // Integer inputs to transcendental functions: the real result rounded to the nearest integer.
      double r = std::round(unary_math(op, static_cast<double>(x)));
      if (std::isnan(r)) return 0;
      if (r >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
      if (r <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
      return static_cast<T>(r);
    }
  }
}

Tensor unary_eval(Unary op, const Tensor& in, bool float_only, std::string_view what) {
  ElementType type = in.element_type();
  SPARROW_CHECK(!float_only || is_float(type), what, ": expected a floating-point input, found ",
                to_string(type));
  if (is_half(type)) return from_f32(unary_eval(op, to_f32(in), float_only, what), type);
  return dispatch_numeric(type, what, [&](auto tag) {
    using T = decltype(tag);
    Tensor out = make_tensor(type, in.shape());
    const T* a = in.data<T>();
    T* o = out.data<T>();
    // Element by element, shared out among the stream's threads (each element computed the same way).
    base::parallel_for(out.size(), [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        if constexpr (std::is_floating_point_v<T>)
          o[i] = static_cast<T>(unary_math(op, static_cast<double>(a[i])));
        else
          o[i] = unary_integer(op, a[i]);
      }
    }, 4096);
    return out;
  });
}

OpDef unary(std::string type, Unary op, bool float_only = false) {
  auto infer = [float_only](const Node&, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type != ElementType::boolean, "boolean input is not supported");
    SPARROW_CHECK(!float_only || in[0].type == ElementType::undefined || is_float(in[0].type),
                  "expected a floating-point input, found ", to_string(in[0].type));
    return {{in[0].type, in[0].shape, {}}};
  };
  auto evaluate = [op, float_only](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    return {unary_eval(op, in[0], float_only, node.type)};
  };
  return {std::move(type), {1}, 1, 1, infer, evaluate};
}

Unary gelu_mode(const Node& node) {
  if (node.version < 7) return Unary::kGeluErf;
  std::string given = node.attrs.get_string("approximation_mode", "ERF");
  std::string mode = given;
  std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::toupper(c); });
  if (mode == "ERF") return Unary::kGeluErf;
  if (mode == "TANH") return Unary::kGeluTanh;
  fail("attribute 'approximation_mode': expected ERF or TANH, found '", given, "'");
}

OpDef gelu() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    gelu_mode(node);
    SPARROW_CHECK(in[0].type == ElementType::undefined || is_float(in[0].type),
                  "expected a floating-point input, found ", to_string(in[0].type));
    return {{in[0].type, in[0].shape, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    return {unary_eval(gelu_mode(node), in[0], true, "Gelu")};
  };
  return {"Gelu", {2, 7}, 1, 1, infer, evaluate};
}

// ---- Clamp
// -------------------------------------------------------------------------------------------------

OpDef clamp() {
  auto bounds = [](const Node& node) {
    double lo = node.attrs.get_float("min");
    double hi = node.attrs.get_float("max");
    SPARROW_CHECK(lo <= hi, "attribute 'min' (", lo, ") must not exceed 'max' (", hi, ")");
    return std::pair{lo, hi};
  };
  auto infer = [bounds](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    bounds(node);
    SPARROW_CHECK(in[0].type != ElementType::boolean, "boolean input is not supported");
    return {{in[0].type, in[0].shape, {}}};
  };
  auto evaluate = [bounds](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    auto [lo, hi] = bounds(node);
    ElementType type = in[0].element_type();
    auto run = [&](const Tensor& x, ElementType t) {
      return dispatch_numeric(t, "Clamp", [&](auto tag) {
        using T = decltype(tag);
        Tensor out = make_tensor(t, x.shape());
        const T* a = x.data<T>();
        T* o = out.data<T>();
        if constexpr (std::is_floating_point_v<T>) {
          T l = static_cast<T>(lo), h = static_cast<T>(hi);
          for (size_t i = 0; i < out.size(); ++i) o[i] = std::min(std::max(a[i], l), h);
        } else {
          // For integer data the spec rounds min up and max down, then clamps to the type's range.
          double l = std::ceil(lo), h = std::floor(hi);
          for (size_t i = 0; i < out.size(); ++i) {
            double v = static_cast<double>(a[i]);
            o[i] = v < l ? static_cast<T>(std::max(l, static_cast<double>(std::numeric_limits<T>::lowest())))
                   : v > h ? static_cast<T>(std::min(h, static_cast<double>(std::numeric_limits<T>::max())))
                           : a[i];
          }
        }
        return out;
      });
    };
    if (is_half(type)) return {from_f32(run(to_f32(in[0]), ElementType::f32), type)};
    return {run(in[0], type)};
  };
  return {"Clamp", {1}, 1, 1, infer, evaluate};
}

// ---- Convert
// -----------------------------------------------------------------------------------------------

ElementType destination_type(const Node& node) {
  std::string name = node.attrs.get_string("destination_type");
  std::optional<ElementType> t = parse_element_type(name);
  SPARROW_CHECK(t && *t != ElementType::undefined, "attribute 'destination_type': unknown element type '",
                name, "'");
  return *t;
}

// Conversion rules (the spec leaves out-of-range values open; these are sparrow's, matching C++ where
// defined):
// - integer -> integer: wraps modulo 2^bits, as the spec requires for signed -> unsigned.
// - float -> integer: truncates toward zero (the spec's 3.141592 -> 3) and saturates to the destination
// range;
//   NaN gives 0.
// - anything -> boolean or u1: value != 0.
// - to f16/bf16: through f32, rounding to nearest even.
Tensor convert(const Tensor& in, ElementType to) {
  ElementType from = in.element_type();
  Tensor out = make_tensor(to, in.shape());
  size_t n = in.size();
  if (from == to) {
    copy_elements(in, 0, out, 0, n);
    return out;
  }
  if (from == ElementType::f32 && to == ElementType::f16) {
    const float* s = in.data<float>();
    uint16_t* d = out.data<uint16_t>();
    for (size_t i = 0; i < n; ++i) d[i] = f32_to_f16(s[i]);
    return out;
  }
  if (is_float(from) || is_float(to) || from == ElementType::u64) {
    for (size_t i = 0; i < n; ++i) write_double(out, i, read_double(in, i));
    if (from == ElementType::u64 && !is_float(to))  // exact integer path for u64 -> integer
      for (size_t i = 0; i < n; ++i) write_int(out, i, read_int(in, i));
    return out;
  }
  for (size_t i = 0; i < n; ++i) write_int(out, i, read_int(in, i));
  return out;
}

OpDef convert_op() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    return {{destination_type(node), in[0].shape, {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    SPARROW_CHECK(in[0].element_type() != ElementType::undefined, "input has no element type");
    return {convert(in[0], destination_type(node))};
  };
  return {"Convert", {1}, 1, 1, infer, evaluate};
}

// ---- Select
// ------------------------------------------------------------------------------------------------

OpDef select() {
  auto infer = [](const Node& node, std::span<const ValueInfo> in) -> std::vector<OutputPort> {
    SPARROW_CHECK(in[0].type == ElementType::boolean || in[0].type == ElementType::undefined,
                  "input 0 (cond): expected boolean, found ", to_string(in[0].type));
    SPARROW_CHECK(in[1].type == in[2].type, "then and else inputs differ in type: ", to_string(in[1].type),
                  " vs ", to_string(in[2].type));
    return {{in[1].type, elementwise_shape(node, in), {}}};
  };
  auto evaluate = [](const Node& node, std::span<const Tensor> in) -> std::vector<Tensor> {
    SPARROW_CHECK(in[0].element_type() == ElementType::boolean, "input 0 (cond): expected boolean, found ",
                  to_string(in[0].element_type()));
    SPARROW_CHECK(in[1].element_type() == in[2].element_type(),
                  "then and else inputs differ in type: ", to_string(in[1].element_type()), " vs ",
                  to_string(in[2].element_type()));
    Shape shape = elementwise_shape(node, in);
    Tensor out = make_tensor(in[1].element_type(), shape);
    const uint8_t* c = in[0].data<uint8_t>();
    std::array<std::vector<size_t>, 3> strides = {broadcast_strides(in[0].shape(), shape),
                                                  broadcast_strides(in[1].shape(), shape),
                                                  broadcast_strides(in[2].shape(), shape)};
    for_each_broadcast<3>(shape, strides, [&](size_t o, const std::array<size_t, 3>& off) {
      if (c[off[0]])
        copy_elements(in[1], off[1], out, o, 1);
      else
        copy_elements(in[2], off[2], out, o, 1);
    });
    return {out};
  };
  return {"Select", {1}, 3, 3, infer, evaluate};
}

}  // namespace

void register_elementwise_ops(OpRegistry& r) {
  r.add(arithmetic("Add", Arith::kAdd));
  r.add(arithmetic("Subtract", Arith::kSub));
  r.add(arithmetic("Multiply", Arith::kMul));
  r.add(arithmetic("Divide", Arith::kDiv));
  r.add(arithmetic("Power", Arith::kPow));
  r.add(arithmetic("Maximum", Arith::kMax));
  r.add(arithmetic("Minimum", Arith::kMin));
  r.add(arithmetic("SquaredDifference", Arith::kSquaredDiff));
  r.add(comparison("Equal", Compare::kEq));
  r.add(comparison("NotEqual", Compare::kNe));
  r.add(comparison("Less", Compare::kLt));
  r.add(comparison("LessEqual", Compare::kLe));
  r.add(comparison("Greater", Compare::kGt));
  r.add(comparison("GreaterEqual", Compare::kGe));
  r.add(logical("LogicalAnd", Logic::kAnd));
  r.add(logical("LogicalOr", Logic::kOr));
  r.add(logical_not());
  r.add(unary("Sqrt", Unary::kSqrt));
  r.add(unary("Erf", Unary::kErf));
  r.add(unary("Tanh", Unary::kTanh));
  r.add(unary("Exp", Unary::kExp));
  r.add(unary("Log", Unary::kLog));
  r.add(unary("Abs", Unary::kAbs));
  r.add(unary("Negative", Unary::kNeg));
  r.add(unary("Sigmoid", Unary::kSigmoid));
  r.add(unary("Relu", Unary::kRelu));
  r.add(unary("Floor", Unary::kFloor));
  r.add(gelu());
  r.add(clamp());
  r.add(convert_op());
  r.add(select());
}

}  // namespace sparrow::graph
