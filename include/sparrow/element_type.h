// Element types of tensors, with OpenVINO's names ("f32", "i64", "u1", ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sparrow {

enum class ElementType : uint8_t {
  undefined,
  boolean,
  bf16,
  f16,
  f32,
  f64,
  i4,
  i8,
  i16,
  i32,
  i64,
  u1,
  u4,
  u8,
  u16,
  u32,
  u64,
};

// Bits per element: 1 for u1, 4 for i4/u4, 8 for boolean (stored as one byte), 0 for undefined.
size_t bit_width(ElementType type);

// Bytes taken by `count` packed elements (u1/i4/u4 are packed, rounded up to whole bytes).
size_t storage_bytes(ElementType type, size_t count);

// The lower-case IR name: "f32", "i64", "boolean", ...
std::string_view to_string(ElementType type);

// Accepts IR element_type names ("f32", "boolean") and port precisions ("FP32", "I64", "BOOL").
std::optional<ElementType> parse_element_type(std::string_view text);

bool is_float(ElementType type);
bool is_integral(ElementType type);  // includes boolean
bool is_signed(ElementType type);

}  // namespace sparrow
