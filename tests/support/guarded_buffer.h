// A buffer of `bytes` whose last byte is followed by a PROT_NONE page: a kernel that reads or writes one
// byte past the end faults at once. For the kernels' conformance tests.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>

namespace sparrow {

class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t bytes) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t data_pages = (bytes + page - 1) / page;
    total_ = (data_pages + 1) * page;
    void* p = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
    base_ = static_cast<std::byte*>(p);
    if (mprotect(base_ + data_pages * page, page, PROT_NONE) != 0) std::abort();
    data_ = base_ + data_pages * page - bytes;
  }
  ~GuardedBuffer() { munmap(base_, total_); }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  template <typename T>
  T* as() {
    return reinterpret_cast<T*>(data_);
  }

 private:
  std::byte* base_ = nullptr;
  std::byte* data_ = nullptr;
  size_t total_ = 0;
};

}  // namespace sparrow
