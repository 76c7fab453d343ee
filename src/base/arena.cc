#include "base/arena.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace sparrow::base {
namespace {

thread_local Arena* current_arena = nullptr;

// Free blocks above this many bytes go back to the system instead of the free lists.
constexpr size_t kMaxCachedBytes = size_t{2} << 30;

// Bytes actually reserved for a request: 64 bytes of slack, rounded to 64 (to 4 KiB above 64 KiB so that
// nearby sizes share a free list).
size_t block_size(size_t bytes) {
  size_t padded = (bytes + 64 + 63) / 64 * 64;
  if (padded > (size_t{64} << 10)) padded = (padded + 4095) / 4096 * 4096;
  return padded;
}

}  // namespace

Arena::~Arena() {
  for (auto& [size, blocks] : free_)
    for (void* b : blocks) std::free(b);
}

std::shared_ptr<void> Arena::allocate(size_t bytes, bool zero) {
  const size_t size = block_size(bytes);
  void* block = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(size);
    if (it != free_.end() && !it->second.empty()) {
      block = it->second.back();
      it->second.pop_back();
      stats_.cached_bytes -= size;
      ++stats_.reused_blocks;
    } else {
      ++stats_.fresh_blocks;
    }
  }
  if (!block) {
    block = std::aligned_alloc(64, size);
    if (!block) throw std::bad_alloc();
  }
  if (zero) std::memset(block, 0, size);
  std::shared_ptr<Arena> self = shared_from_this();
  return std::shared_ptr<void>(block, [self, size](void* b) { self->give_back(b, size); });
}

void Arena::give_back(void* block, size_t size) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stats_.cached_bytes + size <= kMaxCachedBytes) {
      free_[size].push_back(block);
      stats_.cached_bytes += size;
      return;
    }
  }
  std::free(block);
}

Arena::Stats Arena::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Arena* Arena::current() { return current_arena; }

Arena::Scope::Scope(Arena* arena) : previous_(current_arena) { current_arena = arena; }

Arena::Scope::~Scope() { current_arena = previous_; }

Tensor uninitialized_tensor(ElementType type, Shape shape) {
  const size_t bytes = storage_bytes(type, static_cast<size_t>(shape_size(shape)));
  std::shared_ptr<void> owner;
  if (Arena* arena = Arena::current()) {
    owner = arena->allocate(bytes, false);
  } else {
    const size_t size = block_size(bytes);
    void* p = std::aligned_alloc(64, size);
    if (!p) throw std::bad_alloc();
    owner = std::shared_ptr<void>(p, [](void* q) { std::free(q); });
  }
  void* data = owner.get();
  return Tensor(type, std::move(shape), std::move(owner), data);
}

}  // namespace sparrow::base
