#include "base/arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

namespace sparrow::base {
namespace {

TEST(Arena, TensorsMadeInScopeReuseFreedBlocks) {
  auto arena = Arena::make();
  void* first = nullptr;
  {
    Arena::Scope scope(arena.get());
    {
      Tensor a(ElementType::f32, {64, 768});
      first = a.data();
      a.data<float>()[5] = 3.0f;
    }
    Tensor b(ElementType::f32, {64, 768});
    EXPECT_EQ(b.data(), first) << "the freed block is taken again";
    EXPECT_EQ(b.data<float>()[5], 0.0f) << "Tensor(type, shape) is zero-filled, from the arena too";
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 64, 0u);
  }
  EXPECT_EQ(arena->stats().fresh_blocks, 1u);
  EXPECT_EQ(arena->stats().reused_blocks, 1u);
  Tensor outside(ElementType::f32, {64, 768});
  EXPECT_NE(outside.data(), first) << "no arena is current outside the scope";
}

TEST(Arena, DifferentSizesTakeDifferentBlocks) {
  auto arena = Arena::make();
  Arena::Scope scope(arena.get());
  { Tensor a(ElementType::u8, {100}); }
  Tensor b(ElementType::u8, {100000});
  EXPECT_EQ(arena->stats().fresh_blocks, 2u);
  EXPECT_EQ(arena->stats().cached_bytes, 192u) << "100 bytes + 64 slack, rounded to 64";
}

TEST(Arena, UninitializedTensorsComeFromTheArenaToo) {
  auto arena = Arena::make();
  Arena::Scope scope(arena.get());
  void* p = nullptr;
  {
    Tensor t = uninitialized_tensor(ElementType::f32, {3, 5});
    EXPECT_EQ(t.shape(), (Shape{3, 5}));
    EXPECT_EQ(t.element_type(), ElementType::f32);
    p = t.data();
  }
  Tensor u = uninitialized_tensor(ElementType::f32, {5, 3});
  EXPECT_EQ(u.data(), p);
}

TEST(Arena, BlocksOutliveTheArenaHandleAndComeBackFromAnyThread) {
  Tensor kept;
  {
    auto arena = Arena::make();
    Arena::Scope scope(arena.get());
    kept = Tensor(ElementType::f32, {1000});
  }  // the handle is gone; the block keeps the arena alive
  kept.data<float>()[999] = 1.0f;
  std::thread([t = std::move(kept)]() mutable { t = Tensor(); }).join();
}

}  // namespace
}  // namespace sparrow::base
