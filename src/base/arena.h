// A stream's activation memory. Tensors made while an Arena is current on the thread take their buffer from
// it, and give it back when their last copy goes: the next tensor of that size takes the same block. An
// inference with the shapes of an earlier one therefore takes every activation buffer from the arena and
// asks the system for none (docs/runtime.md, "Memory"). Blocks are 64-byte aligned with 64 bytes of slack
// past the end, like every tensor buffer.
//
// Thread safety: allocate() is called by the thread the arena is current on; blocks may be given back from
// any thread (a caller dropping an output tensor), so the free lists are locked. A block keeps its arena
// alive, so tensors may outlive the stream that made them.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "sparrow/tensor.h"

namespace sparrow::base {

class Arena : public std::enable_shared_from_this<Arena> {
 public:
  struct Stats {
    size_t fresh_blocks = 0;   // blocks asked of the system since the arena was made
    size_t reused_blocks = 0;  // allocations served from the free lists
    size_t cached_bytes = 0;   // bytes in the free lists now
  };

  static std::shared_ptr<Arena> make() { return std::shared_ptr<Arena>(new Arena()); }
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // A block of at least `bytes` (zero-filled when asked); the returned owner gives it back.
  std::shared_ptr<void> allocate(size_t bytes, bool zero);
  Stats stats() const;

  // The arena current on this thread, or nullptr.
  static Arena* current();

  // Makes an arena current on this thread for the scope's lifetime.
  class Scope {
   public:
    explicit Scope(Arena* arena);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Arena* previous_;
  };

 private:
  Arena() = default;
  void give_back(void* block, size_t size);

  mutable std::mutex mu_;
  std::map<size_t, std::vector<void*>> free_;  // block size -> free blocks
  Stats stats_;
};

// A tensor whose contents are unspecified, for outputs a kernel overwrites entirely: from the current arena
// when there is one, else from the heap.
Tensor uninitialized_tensor(ElementType type, Shape shape);

}  // namespace sparrow::base
