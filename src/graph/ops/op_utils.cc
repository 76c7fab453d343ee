#include "graph/ops/op_utils.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>

namespace sparrow::graph::ops {
namespace {

uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

const uint8_t* bytes(const Tensor& t) {
  return static_cast<const uint8_t*>(t.data());
}
uint8_t* bytes(Tensor& t) {
  return static_cast<uint8_t*>(t.data());
}

template <typename T>
T load(const Tensor& t, size_t i) {
  T v;
  std::memcpy(&v, bytes(t) + i * sizeof(T), sizeof(T));
  return v;
}

template <typename T>
void store(Tensor& t, size_t i, T v) {
  std::memcpy(bytes(t) + i * sizeof(T), &v, sizeof(T));
}

// Raw bits of a packed element (u1: 1 bit, u4/i4: 4 bits).
uint8_t load_packed(const Tensor& t, size_t i) {
  if (t.element_type() == ElementType::u1) return (bytes(t)[i / 8] >> (7 - i % 8)) & 1;
  return (i % 2 == 0) ? (bytes(t)[i / 2] & 0x0F) : (bytes(t)[i / 2] >> 4);
}

void store_packed(Tensor& t, size_t i, uint8_t v) {
  if (t.element_type() == ElementType::u1) {
    uint8_t mask = static_cast<uint8_t>(1u << (7 - i % 8));
    uint8_t& b = bytes(t)[i / 8];
    b = static_cast<uint8_t>((v & 1) ? (b | mask) : (b & ~mask));
    return;
  }
  uint8_t& b = bytes(t)[i / 2];
  if (i % 2 == 0)
    b = static_cast<uint8_t>((b & 0xF0) | (v & 0x0F));
  else
    b = static_cast<uint8_t>((b & 0x0F) | ((v & 0x0F) << 4));
}

// Truncates toward zero and saturates to [lo, hi]; NaN gives 0.
int64_t saturate(double v, double lo, double hi) {
  if (std::isnan(v)) return 0;
  v = std::trunc(v);
  if (v <= lo) return static_cast<int64_t>(lo);
  if (v >= hi) return static_cast<int64_t>(hi);
  return static_cast<int64_t>(v);
}

template <typename T>
T saturate_to(double v) {
  if (std::isnan(v)) return 0;
  v = std::trunc(v);
  // The largest values of 64-bit types are not representable as doubles; compare against 2^63 / 2^64.
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::lowest());
  if (v >= hi) return std::numeric_limits<T>::max();
  if (v <= lo) return std::numeric_limits<T>::lowest();
  return static_cast<T>(v);
}

constexpr size_t kMaxElements = size_t{1} << 34;

}  // namespace

// ---- half precision
// ----------------------------------------------------------------------------------------

float f16_to_f32(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  if (exp == 0) {
    float v = static_cast<float>(mant) * 0x1p-24f;  // zero or subnormal, exact
    return sign ? -v : v;
  }
  if (exp == 31) return bits_float(sign | 0x7F800000u | (mant << 13));
  return bits_float(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

uint16_t f32_to_f16(float value) {
  uint32_t x = float_bits(value);
  uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  uint32_t a = x & 0x7FFFFFFFu;
  if (a > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00 | ((a >> 13) & 0x3FF));  // NaN, quiet
  // 65520 = 0x477FF000 is halfway between 65504 (largest f16, odd mantissa) and 65536: ties go to infinity.
  if (a >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00);
  if (a < 0x38800000u) {
    // Below the smallest normal (2^-14): a multiple of 2^-24. Scaling by 2^24 is exact in f32; nearbyint
    // rounds ties to even in the default rounding mode. 1024 yields the smallest normal's bit pattern.
    float scaled = bits_float(a) * 16777216.0f;
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(scaled)));
  }
  uint32_t exp = (a >> 23) - 127 + 15;
  uint32_t mant = a & 0x7FFFFF;
  uint32_t h = (exp << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1FFF;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) ++h;  // a carry into the exponent is still correct
  return static_cast<uint16_t>(sign | h);
}

float bf16_to_f32(uint16_t bits) {
  return bits_float(static_cast<uint32_t>(bits) << 16);
}

uint16_t f32_to_bf16(float value) {
  uint32_t x = float_bits(value);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((x >> 16) | 0x0040);
  uint32_t rounding = 0x7FFF + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

bool is_half(ElementType type) {
  return type == ElementType::f16 || type == ElementType::bf16;
}

// ---- element access
// ----------------------------------------------------------------------------------------

int64_t read_int(const Tensor& t, size_t i) {
  switch (t.element_type()) {
    case ElementType::boolean:
      return load<uint8_t>(t, i) != 0;
    case ElementType::u1:
    case ElementType::u4:
      return load_packed(t, i);
    case ElementType::i4: {
      int v = load_packed(t, i);
      return v >= 8 ? v - 16 : v;
    }
    case ElementType::i8:
      return load<int8_t>(t, i);
    case ElementType::i16:
      return load<int16_t>(t, i);
    case ElementType::i32:
      return load<int32_t>(t, i);
    case ElementType::i64:
      return load<int64_t>(t, i);
    case ElementType::u8:
      return load<uint8_t>(t, i);
    case ElementType::u16:
      return load<uint16_t>(t, i);
    case ElementType::u32:
      return load<uint32_t>(t, i);
    case ElementType::u64:
      return static_cast<int64_t>(load<uint64_t>(t, i));
    case ElementType::f16:
    case ElementType::bf16:
    case ElementType::f32:
    case ElementType::f64:
      return saturate_to<int64_t>(read_double(t, i));
    default:
      fail("cannot read elements of type ", to_string(t.element_type()));
  }
}

double read_double(const Tensor& t, size_t i) {
  switch (t.element_type()) {
    case ElementType::f16:
      return f16_to_f32(load<uint16_t>(t, i));
    case ElementType::bf16:
      return bf16_to_f32(load<uint16_t>(t, i));
    case ElementType::f32:
      return load<float>(t, i);
    case ElementType::f64:
      return load<double>(t, i);
    case ElementType::u64:
      return static_cast<double>(load<uint64_t>(t, i));
    default:
      return static_cast<double>(read_int(t, i));
  }
}

void write_int(Tensor& t, size_t i, int64_t v) {
  switch (t.element_type()) {
    case ElementType::boolean:
      store<uint8_t>(t, i, v != 0);
      return;
    case ElementType::u1:
      store_packed(t, i, v != 0);
      return;
    case ElementType::u4:
    case ElementType::i4:
      store_packed(t, i, static_cast<uint8_t>(v & 0x0F));
      return;
    case ElementType::i8:
      store<int8_t>(t, i, static_cast<int8_t>(v));
      return;
    case ElementType::i16:
      store<int16_t>(t, i, static_cast<int16_t>(v));
      return;
    case ElementType::i32:
      store<int32_t>(t, i, static_cast<int32_t>(v));
      return;
    case ElementType::i64:
      store<int64_t>(t, i, v);
      return;
    case ElementType::u8:
      store<uint8_t>(t, i, static_cast<uint8_t>(v));
      return;
    case ElementType::u16:
      store<uint16_t>(t, i, static_cast<uint16_t>(v));
      return;
    case ElementType::u32:
      store<uint32_t>(t, i, static_cast<uint32_t>(v));
      return;
    case ElementType::u64:
      store<uint64_t>(t, i, static_cast<uint64_t>(v));
      return;
    case ElementType::f16:
    case ElementType::bf16:
    case ElementType::f32:
    case ElementType::f64:
      write_double(t, i, static_cast<double>(v));
      return;
    default:
      fail("cannot write elements of type ", to_string(t.element_type()));
  }
}

void write_double(Tensor& t, size_t i, double v) {
  switch (t.element_type()) {
    case ElementType::f16:
      store<uint16_t>(t, i, f32_to_f16(static_cast<float>(v)));
      return;
    case ElementType::bf16:
      store<uint16_t>(t, i, f32_to_bf16(static_cast<float>(v)));
      return;
    case ElementType::f32:
      store<float>(t, i, static_cast<float>(v));
      return;
    case ElementType::f64:
      store<double>(t, i, v);
      return;
    case ElementType::boolean:
      store<uint8_t>(t, i, v != 0.0);
      return;
    case ElementType::u1:
      store_packed(t, i, v != 0.0);
      return;
    case ElementType::u4:
      store_packed(t, i, static_cast<uint8_t>(saturate(v, 0, 15)));
      return;
    case ElementType::i4:
      store_packed(t, i, static_cast<uint8_t>(saturate(v, -8, 7) & 0x0F));
      return;
    case ElementType::i8:
      store<int8_t>(t, i, saturate_to<int8_t>(v));
      return;
    case ElementType::i16:
      store<int16_t>(t, i, saturate_to<int16_t>(v));
      return;
    case ElementType::i32:
      store<int32_t>(t, i, saturate_to<int32_t>(v));
      return;
    case ElementType::i64:
      store<int64_t>(t, i, saturate_to<int64_t>(v));
      return;
    case ElementType::u8:
      store<uint8_t>(t, i, saturate_to<uint8_t>(v));
      return;
    case ElementType::u16:
      store<uint16_t>(t, i, saturate_to<uint16_t>(v));
      return;
    case ElementType::u32:
      store<uint32_t>(t, i, saturate_to<uint32_t>(v));
      return;
    case ElementType::u64:
      store<uint64_t>(t, i, saturate_to<uint64_t>(v));
      return;
    default:
      fail("cannot write elements of type ", to_string(t.element_type()));
  }
}

void copy_elements(const Tensor& src, size_t src_i, Tensor& dst, size_t dst_i, size_t n) {
  size_t bits = bit_width(src.element_type());
  if (bits >= 8) {
    size_t es = bits / 8;
    if (n) std::memcpy(bytes(dst) + dst_i * es, bytes(src) + src_i * es, n * es);
    return;
  }
  for (size_t k = 0; k < n; ++k) store_packed(dst, dst_i + k, load_packed(src, src_i + k));
}

Tensor to_f32(const Tensor& t) {
  if (t.element_type() == ElementType::f32) return t;
  Tensor out(ElementType::f32, t.shape());
  float* o = out.data<float>();
  for (size_t i = 0; i < t.size(); ++i) o[i] = static_cast<float>(read_double(t, i));
  return out;
}

Tensor from_f32(const Tensor& t, ElementType type) {
  if (type == ElementType::f32) return t;
  Tensor out(type, t.shape());
  const float* s = t.data<float>();
  for (size_t i = 0; i < t.size(); ++i) write_double(out, i, s[i]);
  return out;
}

// ---- integer inputs
// ----------------------------------------------------------------------------------------

void check_integral(ElementType type, std::string_view what) {
  SPARROW_CHECK(is_integral(type) && type != ElementType::boolean, what, ": expected an integer type, found ",
                to_string(type));
}

void check_float(ElementType type, std::string_view what) {
  SPARROW_CHECK(is_float(type), what, ": expected a floating-point type, found ", to_string(type));
}

void check_rank_at_most_1(const PartialShape& shape, std::string_view what) {
  SPARROW_CHECK(shape.rank_is_dynamic() || shape.rank() <= 1, what,
                ": expected a scalar or 1-D tensor, found shape ", shape.to_string());
}

std::vector<int64_t> read_ints(const Tensor& t, std::string_view what) {
  check_integral(t.element_type(), what);
  std::vector<int64_t> out(t.size());
  for (size_t i = 0; i < t.size(); ++i) out[i] = read_int(t, i);
  return out;
}

std::optional<std::vector<int64_t>> constant_ints(const ValueInfo& v, std::string_view what) {
  if (v.value == nullptr) return std::nullopt;
  return read_ints(*v.value, what);
}

int64_t read_scalar_int(const Tensor& t, std::string_view what) {
  SPARROW_CHECK(t.size() == 1, what, ": expected one value, found shape ", to_string(t.shape()));
  return read_ints(t, what)[0];
}

// ---- axes
// --------------------------------------------------------------------------------------------------

int64_t normalize_axis(int64_t axis, int64_t rank, std::string_view what) {
  SPARROW_CHECK(axis >= -rank && axis < rank, what, ": axis ", axis, " is out of range [", -rank, ", ",
                rank - 1, "] for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> normalize_axes(std::span<const int64_t> axes, int64_t rank, std::string_view what,
                                    bool unique) {
  std::vector<int64_t> out;
  out.reserve(axes.size());
  for (int64_t a : axes) {
    int64_t n = normalize_axis(a, rank, what);
    SPARROW_CHECK(!unique || std::find(out.begin(), out.end(), n) == out.end(), what, ": axis ", a,
                  " is repeated");
    out.push_back(n);
  }
  return out;
}

// ---- shapes
// ------------------------------------------------------------------------------------------------

std::vector<size_t> row_major_strides(const Shape& shape) {
  std::vector<size_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * static_cast<size_t>(shape[d]);
  return s;
}

size_t checked_size(const Shape& shape) {
  int64_t n = shape_size(shape);
  SPARROW_CHECK(static_cast<size_t>(n) <= kMaxElements, "shape ", to_string(shape), " has ", n,
                " elements, more than the supported ", kMaxElements);
  return static_cast<size_t>(n);
}

void check_shape(const Shape& shape, std::string_view what) {
  for (int64_t d : shape)
    SPARROW_CHECK(d >= 0, what, ": dimension ", d, " of shape ", to_string(shape), " is negative");
  int64_t n = shape_size(shape);
  SPARROW_CHECK(static_cast<size_t>(n) <= kMaxElements, what, ": shape ", to_string(shape), " has ", n,
                " elements, more than the supported ", kMaxElements);
}

Tensor make_tensor(ElementType type, const Shape& shape) {
  check_shape(shape, "output");
  try {
    return Tensor(type, shape);
  } catch (const std::bad_alloc&) {
    fail("cannot allocate an output of shape ", to_string(shape), " and type ", to_string(type));
  }
}

// ---- broadcasting
// ------------------------------------------------------------------------------------------

AutoBroadcast auto_broadcast(const Node& node) {
  std::string mode = node.attrs.get_lowercase("auto_broadcast", "numpy");
  if (mode == "numpy") return AutoBroadcast::kNumpy;
  if (mode == "none" || mode == "explicit") return AutoBroadcast::kNone;
  fail("attribute 'auto_broadcast': expected numpy or none, found '", mode, "'");
}

PartialShape broadcast_shapes(const PartialShape& a, const PartialShape& b) {
  if (a.rank_is_dynamic() || b.rank_is_dynamic()) return PartialShape::dynamic_rank();
  size_t rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.rank() ? 1 : a[i - (rank - a.rank())];
    int64_t db = i < rank - b.rank() ? 1 : b[i - (rank - b.rank())];
    if (da == db)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (da < 0)
      out[i] = db;
    else if (db < 0)
      out[i] = da;
    else
      fail("shapes ", a.to_string(), " and ", b.to_string(), " cannot be broadcast together (dimension ", da,
           " vs ", db, ")");
  }
  return PartialShape(std::move(out));
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  return broadcast_shapes(PartialShape(a), PartialShape(b)).dims();
}

PartialShape elementwise_shape(const Node& node, std::span<const ValueInfo> inputs) {
  AutoBroadcast mode = auto_broadcast(node);
  PartialShape out = inputs[0].shape;
  for (size_t i = 1; i < inputs.size(); ++i) {
    const PartialShape& s = inputs[i].shape;
    if (mode == AutoBroadcast::kNumpy) {
      out = broadcast_shapes(out, s);
      continue;
    }
    SPARROW_CHECK(out.compatible(s), "auto_broadcast is none but input shapes differ: ", out.to_string(),
                  " vs ", s.to_string());
    if (out.rank_is_dynamic()) {
      out = s;
    } else if (!s.rank_is_dynamic()) {
      for (size_t d = 0; d < out.rank(); ++d)
        if (out[d] < 0) out[d] = s[d];
    }
  }
  return out;
}

Shape elementwise_shape(const Node& node, std::span<const Tensor> inputs) {
  AutoBroadcast mode = auto_broadcast(node);
  Shape out = inputs[0].shape();
  for (size_t i = 1; i < inputs.size(); ++i) {
    if (mode == AutoBroadcast::kNumpy)
      out = broadcast_shapes(out, inputs[i].shape());
    else
      SPARROW_CHECK(out == inputs[i].shape(),
                    "auto_broadcast is none but input shapes differ: ", to_string(out), " vs ",
                    to_string(inputs[i].shape()));
  }
  checked_size(out);
  return out;
}

std::vector<size_t> broadcast_strides(const Shape& in, const Shape& out) {
  SPARROW_CHECK(in.size() <= out.size(), "cannot broadcast shape ", to_string(in), " to ", to_string(out));
  std::vector<size_t> strides(out.size(), 0);
  std::vector<size_t> own = row_major_strides(in);
  size_t offset = out.size() - in.size();
  for (size_t d = 0; d < in.size(); ++d) {
    SPARROW_CHECK(in[d] == out[d + offset] || in[d] == 1, "cannot broadcast shape ", to_string(in), " to ",
                  to_string(out));
    strides[d + offset] = in[d] == 1 ? 0 : own[d];
  }
  return strides;
}

}  // namespace sparrow::graph::ops
