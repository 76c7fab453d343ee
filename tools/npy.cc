#include "npy.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

#include "sparrow/error.h"

namespace sparrow::tools {
namespace {

struct Dtype {
  const char* descr;
  ElementType type;
};

constexpr Dtype kDtypes[] = {
    {"<f4", ElementType::f32}, {"<f8", ElementType::f64}, {"<f2", ElementType::f16},
    {"<i8", ElementType::i64}, {"<i4", ElementType::i32}, {"<i2", ElementType::i16},
    {"|i1", ElementType::i8},  {"|u1", ElementType::u8},  {"<u2", ElementType::u16},
    {"<u4", ElementType::u32}, {"<u8", ElementType::u64}, {"|b1", ElementType::boolean},
};

// The text after `'key':` in a .npy header dict, with leading spaces skipped; empty when the key is absent.
std::string_view value_after(std::string_view header, std::string_view key) {
  std::string quoted = "'" + std::string(key) + "':";
  size_t at = header.find(quoted);
  if (at == std::string_view::npos) return {};
  std::string_view rest = header.substr(at + quoted.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

}  // namespace

Tensor read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  SPARROW_CHECK(in, path.string(), ": cannot open");
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string where = path.string() + ": ";
  SPARROW_CHECK(data.size() >= 10 && data.compare(0, 6, "\x93NUMPY") == 0, where,
                "not a .npy file (bad magic)");
  int major = static_cast<unsigned char>(data[6]);
  SPARROW_CHECK(major >= 1 && major <= 3, where, "unsupported .npy version ", major);
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(data[8]) | static_cast<unsigned char>(data[9]) << 8;
    header_start = 10;
  } else {
    SPARROW_CHECK(data.size() >= 12, where, "truncated header");
    for (int i = 0; i < 4; ++i) header_len |= size_t(static_cast<unsigned char>(data[8 + i])) << (8 * i);
    header_start = 12;
  }
  SPARROW_CHECK(header_start + header_len <= data.size(), where, "truncated header");
  std::string header = data.substr(header_start, header_len);

  std::string_view descr_text = value_after(header, "descr");
  SPARROW_CHECK(descr_text.size() > 2 && descr_text.front() == '\'' &&
                    descr_text.find('\'', 1) != std::string_view::npos,
                where, "header has no descr");
  std::string descr(descr_text.substr(1, descr_text.find('\'', 1) - 1));
  if (descr == "<b1") descr = "|b1";
  if (descr == "<i1") descr = "|i1";
  if (descr == "<u1") descr = "|u1";
  const Dtype* dtype = nullptr;
  for (const Dtype& d : kDtypes)
    if (descr == d.descr) dtype = &d;
  SPARROW_CHECK(dtype, where, "unsupported dtype '", descr,
                "' (little-endian float, int, uint and bool only)");
  std::string_view order = value_after(header, "fortran_order");
  SPARROW_CHECK(order.starts_with("False") || order.starts_with("True"), where,
                "header has no fortran_order");
  SPARROW_CHECK(order.starts_with("False"), where,
                "Fortran-order arrays are not supported; save with np.ascontiguousarray");
  std::string_view shape_text = value_after(header, "shape");
  SPARROW_CHECK(shape_text.starts_with("(") && shape_text.find(')') != std::string_view::npos, where,
                "header has no shape");
  Shape shape;
  std::stringstream dims(std::string(shape_text.substr(1, shape_text.find(')') - 1)));
  std::string item;
  while (std::getline(dims, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    if (item.empty()) continue;
    SPARROW_CHECK(item.find_first_not_of("0123456789 ") == std::string::npos && item.size() < 16, where,
                  "bad dimension '", item, "'");
    shape.push_back(std::stoll(item));
  }
  Tensor t(dtype->type, shape);
  size_t offset = header_start + header_len;
  SPARROW_CHECK(data.size() - offset == t.byte_size(), where, "expected ", t.byte_size(),
                " data bytes for shape ", to_string(shape), ", found ", data.size() - offset);
  std::memcpy(t.data(), data.data() + offset, t.byte_size());
  return t;
}

void write_npy(const std::filesystem::path& path, const Tensor& tensor) {
  const char* descr = nullptr;
  for (const Dtype& d : kDtypes)
    if (d.type == tensor.element_type()) descr = d.descr;
  SPARROW_CHECK(descr, path.string(), ": cannot write element type ", to_string(tensor.element_type()),
                " as .npy");
  std::string shape;
  for (int64_t d : tensor.shape()) shape += std::to_string(d) + ", ";
  if (tensor.shape().size() > 1) shape.erase(shape.size() - 2);
  if (!tensor.shape().empty() && tensor.shape().size() == 1) shape.erase(shape.size() - 1);
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  SPARROW_CHECK(out, path.string(), ": cannot write");
  out.write("\x93NUMPY\x01\x00", 8);
  uint16_t len = static_cast<uint16_t>(header.size());
  char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(len_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(static_cast<const char*>(tensor.data()), static_cast<std::streamsize>(tensor.byte_size()));
  SPARROW_CHECK(out, path.string(), ": write failed");
}

}  // namespace sparrow::tools
