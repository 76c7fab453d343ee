#include "sparrow/element_type.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace sparrow {
namespace {

struct TypeInfo {
  ElementType type;
  std::string_view name;       // IR element_type attribute
  std::string_view precision;  // IR port precision attribute
  size_t bits;
};

constexpr std::array<TypeInfo, 17> kTypes = {{
    {ElementType::undefined, "undefined", "UNSPECIFIED", 0},
    {ElementType::boolean, "boolean", "BOOL", 8},
    {ElementType::bf16, "bf16", "BF16", 16},
    {ElementType::f16, "f16", "FP16", 16},
    {ElementType::f32, "f32", "FP32", 32},
    {ElementType::f64, "f64", "FP64", 64},
    {ElementType::i4, "i4", "I4", 4},
    {ElementType::i8, "i8", "I8", 8},
    {ElementType::i16, "i16", "I16", 16},
    {ElementType::i32, "i32", "I32", 32},
    {ElementType::i64, "i64", "I64", 64},
    {ElementType::u1, "u1", "U1", 1},
    {ElementType::u4, "u4", "U4", 4},
    {ElementType::u8, "u8", "U8", 8},
    {ElementType::u16, "u16", "U16", 16},
    {ElementType::u32, "u32", "U32", 32},
    {ElementType::u64, "u64", "U64", 64},
}};

const TypeInfo& info(ElementType type) { return kTypes[static_cast<size_t>(type)]; }

}  // namespace

size_t bit_width(ElementType type) { return info(type).bits; }

size_t storage_bytes(ElementType type, size_t count) { return (count * bit_width(type) + 7) / 8; }

std::string_view to_string(ElementType type) { return info(type).name; }

std::optional<ElementType> parse_element_type(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const TypeInfo& t : kTypes) {
    std::string name(t.name);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    if (upper == name || upper == t.precision) return t.type;
  }
  if (upper == "BOOLEAN" || upper == "BOOL") return ElementType::boolean;
  if (upper == "FP32") return ElementType::f32;
  if (upper == "FP16") return ElementType::f16;
  return std::nullopt;
}

bool is_float(ElementType type) {
  return type == ElementType::f16 || type == ElementType::bf16 || type == ElementType::f32 ||
         type == ElementType::f64;
}

bool is_integral(ElementType type) { return !is_float(type) && type != ElementType::undefined; }

bool is_signed(ElementType type) {
  switch (type) {
    case ElementType::i4:
    case ElementType::i8:
    case ElementType::i16:
    case ElementType::i32:
    case ElementType::i64:
      return true;
    default:
      return is_float(type);
  }
}

}  // namespace sparrow
