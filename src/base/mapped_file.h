// A read-only memory mapping of a whole file, shared by the tensors that view it.
//
// Contract:
// - open() maps the file with PROT_READ; the bytes can never be written through data(). A Tensor viewing the
//   mapping (Tensor(type, shape, mapping, ptr)) must be treated as read-only: writing faults.
// - An empty file is legal: size() is 0 and data() is nullptr.
// - The mapping lives as long as the last std::shared_ptr to it: Tensors keep it alive as their owner.
// - Errors (missing file, a directory, mmap failure) throw sparrow::Error with the path and the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

namespace sparrow {

class MappedFile {
 public:
  static std::shared_ptr<MappedFile> open(const std::filesystem::path& path);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  MappedFile(std::filesystem::path path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}

  std::filesystem::path path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace sparrow
