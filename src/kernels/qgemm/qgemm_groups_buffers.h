// What the optimized groups kernels (qgemm_groups_avx2.cc, qgemm_groups_avx512vnni.cc) share besides the
// format: the row-tile and channel-chunk sizes, the per-thread buffers and two small helpers. Internal
// linkage, as qgemm_groups.h explains, so each ISA's translation unit keeps its own copy (and its own
// thread-local buffers).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qgemm/qgemm_groups.h"

namespace sparrow::kernels::qgemm {
namespace {

constexpr size_t kRows = 64;     // rows per tile
constexpr size_t kChunk = 1024;  // channels whose partial sums wait between slices (256 KiB, in L2)

// Per-thread buffers: activations of one slice [group][row], partial sums [channel][row], a block of
// final values [channel][row].
struct Buffers {
  uint8_t* act;
  int32_t* part;
  int32_t* stage;
};
alignas(64) thread_local uint8_t t_act[kGroupsPerSlice * kRows * 4];
alignas(64) thread_local int32_t t_part[kChunk * kRows];
alignas(64) thread_local int32_t t_stage[kGroupsBlock * kRows];

// The addresses of this thread's buffers, taken once per call: the empty asm hides where they come from,
// else GCC recomputes a thread-local address (a call to __tls_get_addr, with vzeroupper and every
// accumulator spilled around it) inside the innermost loop.
inline Buffers thread_buffers() {
  Buffers b{t_act, t_part, t_stage};
  asm("" : "+r"(b.act), "+r"(b.part), "+r"(b.stage));
  return b;
}

inline size_t min_size(size_t a, size_t b) {
  return a < b ? a : b;
}
inline uint64_t load_u64(const uint8_t* p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

}  // namespace
}  // namespace sparrow::kernels::qgemm
