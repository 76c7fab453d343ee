// SHA-256 (FIPS 180-4), used to verify downloaded LFS files against the hub's sha256 ETag.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace sparrow::hf {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // The digest as 64 lowercase hex digits. Ends the computation: call once.
  std::string hex_digest();

 private:
  void block(const uint8_t* p);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_size_ = 0;
  uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view data);

// Hashes a file's content; throws sparrow::Error naming the file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace sparrow::hf
