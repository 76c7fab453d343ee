// Helpers shared by the reference ops: half-precision conversion, element access for every type (packed
// u1/u4/i4 included), integer lists from constant inputs, axis normalisation, numpy broadcasting and type
// dispatch. Plain code; the reference ops favour obviously-correct over fast.
//
// Packed layouts follow OpenVINO: u1 stores element i in bit (7 - i % 8) of byte i / 8 (most significant bit
// first); u4/i4 store element i in the low nibble of byte i / 2 when i is even, the high nibble when odd.
#pragma once

#include <array>
#include <cmath>
#include <numbers>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::graph::ops {

// ---- formulas shared by ops and the fused ops that contain them
// ----------------------------------------------------------------------------
// Gelu-7 in double, as the reference computes it before rounding once to the output type.
inline double gelu_erf(double x) { return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2)); }
inline double gelu_tanh(double x) {
  const double k = std::sqrt(2.0 / std::numbers::pi);
  return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
}
// FakeQuantize-1's integer step in f32 (the Quantize op): x <= low -> 0; x > high -> levels - 1; else
// nearbyint((x - low) / (high - low) * (levels - 1)), half to even.
inline uint8_t quantize_step(float x, float low, float high, int64_t levels) {
  if (x <= low) return 0;
  if (x > high) return static_cast<uint8_t>(levels - 1);
  return static_cast<uint8_t>(std::nearbyint((x - low) / (high - low) * static_cast<float>(levels - 1)));
}

// ---- half precision
// ----------------------------------------------------------------------------------------
float f16_to_f32(uint16_t bits);
// Round to nearest, ties to even; overflow gives infinity, tiny values become subnormals or zero, NaN stays
// NaN.
uint16_t f32_to_f16(float value);
float bf16_to_f32(uint16_t bits);
// Round to nearest, ties to even; NaN stays a (quiet) NaN.
uint16_t f32_to_bf16(float value);

// ---- element access
// ---------------------------------------------------------------------------------------- Reads element i of
// any integral type (boolean, packed types included) as int64; u64 values above INT64_MAX come back as their
// two's-complement bit pattern. Floats are truncated toward zero (saturating).
int64_t read_int(const Tensor& t, size_t i);
// Reads element i of any numeric type as a double (u64 read as unsigned).
double read_double(const Tensor& t, size_t i);
// Writes an integer to element i of an integral type, wrapping modulo 2^bits as C++ conversions do (boolean:
// v != 0). For float types the value is converted to the nearest representable value.
void write_int(Tensor& t, size_t i, int64_t v);
// Writes a double to element i of a float type (f16/bf16 rounded to nearest even).
void write_double(Tensor& t, size_t i, double v);

// Copies n consecutive elements; any type, packed types included.
void copy_elements(const Tensor& src, size_t src_i, Tensor& dst, size_t dst_i, size_t n);

// Converts a tensor of any float type to f32, and back. Used by ops that compute f16/bf16 in f32.
Tensor to_f32(const Tensor& t);
Tensor from_f32(const Tensor& t, ElementType type);

// ---- integer inputs
// ---------------------------------------------------------------------------------------- All elements of an
// integral tensor (axes, shapes, indices); throws naming `what` for a non-integral type.
std::vector<int64_t> read_ints(const Tensor& t, std::string_view what);
// The constant value of an input as integers, or nullopt when the input is not constant.
std::optional<std::vector<int64_t>> constant_ints(const ValueInfo& v, std::string_view what);
// A scalar or one-element input's value.
int64_t read_scalar_int(const Tensor& t, std::string_view what);
void check_integral(ElementType type, std::string_view what);
void check_float(ElementType type, std::string_view what);
// Checks that a shape input (target shape, axes, ...) has rank 0 or 1 when its rank is known.
void check_rank_at_most_1(const PartialShape& shape, std::string_view what);

// ---- axes
// -------------------------------------------------------------------------------------------------- Maps
// axis in [-rank, rank-1] to [0, rank-1]; throws naming `what` otherwise.
int64_t normalize_axis(int64_t axis, int64_t rank, std::string_view what);
// Normalises every axis; with unique = true, a repeated axis is an error.
std::vector<int64_t> normalize_axes(std::span<const int64_t> axes, int64_t rank, std::string_view what,
                                    bool unique = true);

// ---- shapes
// ------------------------------------------------------------------------------------------------
std::vector<size_t> row_major_strides(const Shape& shape);
// Element count with a guard against absurd sizes (throws above 2^40 elements).
size_t checked_size(const Shape& shape);
// Checks that every dimension is >= 0 and the element count is sane; names `what`.
void check_shape(const Shape& shape, std::string_view what);
// A zero-filled output tensor; an absurd size or a failed allocation is a sparrow::Error.
Tensor make_tensor(ElementType type, const Shape& shape);

// ---- broadcasting
// ------------------------------------------------------------------------------------------
enum class AutoBroadcast { kNone, kNumpy };
// The "auto_broadcast" attribute: "numpy" (default) or "none" ("explicit" is a synonym of none).
AutoBroadcast auto_broadcast(const Node& node);

// Numpy (bidirectional) broadcast of two shapes; throws with both shapes on a mismatch.
PartialShape broadcast_shapes(const PartialShape& a, const PartialShape& b);
Shape broadcast_shapes(const Shape& a, const Shape& b);
// Output shape of an elementwise op over all inputs, honouring auto_broadcast.
PartialShape elementwise_shape(const Node& node, std::span<const ValueInfo> inputs);
Shape elementwise_shape(const Node& node, std::span<const Tensor> inputs);

// Element strides of `in` (right-aligned against `out`, numpy style) with 0 on broadcast dimensions.
std::vector<size_t> broadcast_strides(const Shape& in, const Shape& out);

// Calls f(out_index, offsets) for every element of `out`, where offsets[k] is the flat index into input k
// (whose broadcast strides are strides[k]). Iterates rows of the last dimension for speed.
template <size_t N, class F>
void for_each_broadcast(const Shape& out, const std::array<std::vector<size_t>, N>& strides, F&& f) {
  size_t total = checked_size(out);
  if (total == 0) return;
  size_t rank = out.size();
  if (rank == 0) {
    std::array<size_t, N> offs{};
    f(size_t{0}, offs);
    return;
  }
  size_t inner = static_cast<size_t>(out[rank - 1]);
  std::array<size_t, N> inner_stride{};
  for (size_t k = 0; k < N; ++k) inner_stride[k] = strides[k][rank - 1];
  std::vector<int64_t> idx(rank, 0);
  std::array<size_t, N> base{};
  for (size_t o = 0; o < total; o += inner) {
    std::array<size_t, N> offs = base;
    for (size_t j = 0; j < inner; ++j) {
      f(o + j, offs);
      for (size_t k = 0; k < N; ++k) offs[k] += inner_stride[k];
    }
    // Advance the odometer over all dimensions but the last.
    for (size_t d = rank - 1; d-- > 0;) {
      if (++idx[d] < out[d]) {
        for (size_t k = 0; k < N; ++k) base[k] += strides[k][d];
        break;
      }
      for (size_t k = 0; k < N; ++k) base[k] -= strides[k][d] * static_cast<size_t>(out[d] - 1);
      idx[d] = 0;
    }
  }
}

// ---- type dispatch
// ----------------------------------------------------------------------------------------- Calls f(T{}) with
// the C++ storage type of a numeric (non-packed, non-boolean, non-half) element type.
template <class F>
decltype(auto) dispatch_numeric(ElementType type, std::string_view what, F&& f) {
  switch (type) {
    case ElementType::f32:
      return f(float{});
    case ElementType::f64:
      return f(double{});
    case ElementType::i8:
      return f(int8_t{});
    case ElementType::i16:
      return f(int16_t{});
    case ElementType::i32:
      return f(int32_t{});
    case ElementType::i64:
      return f(int64_t{});
    case ElementType::u8:
      return f(uint8_t{});
    case ElementType::u16:
      return f(uint16_t{});
    case ElementType::u32:
      return f(uint32_t{});
    case ElementType::u64:
      return f(uint64_t{});
    default:
      fail(what, ": element type ", to_string(type), " is not supported");
  }
}

bool is_half(ElementType type);  // f16 or bf16

}  // namespace sparrow::graph::ops
