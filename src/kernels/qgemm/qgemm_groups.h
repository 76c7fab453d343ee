// The "groups" weight format (docs/weight_formats.md): per output channel, only the 4-groups of consecutive
// K values that hold a non-zero weight, each as its 4 weight bytes and its index in a K-slice of 512.
// Shared by qgemm_groups_ref.cc, qgemm_groups_avx2.cc and qgemm_groups_avx512vnni.cc: plain C++ without
// standard-library templates, internal linkage (each ISA's copy stays its own, as qgemm_driver.h explains).
//
// Packed layout (all offsets in bytes from the start of the packed buffer)
//   K is cut into S = ceil(K / 512) slices of 128 4-groups (the last group of K zero-padded), channels into
//   B = ceil(N / 16) blocks of 16 (the last block's missing channels have no groups).
//
//   +-------------------------------+  offset[s][b], uint64, S x B of them (rounded up to 64 bytes)
//   | offset[0][0] ... offset[S-1][B-1]
//   +-------------------------------+  segment (s, b), 4-byte aligned, slice-major: s = 0 for every b first
//   | count[16]      uint8          |  stored groups of each channel of the block in this slice, 0..128
//   | wei[T][4]      int8           |  T = sum of counts: channel 0's groups, then channel 1's, ...; one
//   |                               |  group's 4 weights are K values 512 s + 4 idx .. + 3, an int32 to broadcast
//   | idx[T]         uint8          |  the group's index in the slice, 0..127, increasing per channel
//   +-------------------------------+  (padding to 4 bytes)
//   | ... segment (s, b + 1) ...    |
//   +-------------------------------+
//   | 8 bytes of zeros              |  kernels read indices 8 at a time, up to 7 past a segment's last
//
//   Bytes: 5 per stored group, 17 per (slice, 16 channels) of counts and offset (~0.002 per weight).
//   An all-zero channel costs its count bytes only; an all-zero slice of a block 16 + 8 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/qgemm/qgemm_kernels.h"

namespace sparrow::kernels::qgemm {
namespace {

constexpr size_t kGroupsPerSlice = 128;              // an index fits in a byte
constexpr size_t kSliceK = 4 * kGroupsPerSlice;      // 512 K values
constexpr size_t kGroupsBlock = 16;                  // channels per block: n_block of the optimized kernels
constexpr size_t kIndexOverread = 8;

struct GroupsLayout {
  size_t slices, blocks, header_bytes;
};

inline GroupsLayout groups_layout(size_t N, size_t K) {
  const size_t slices = (K + kSliceK - 1) / kSliceK, blocks = (N + kGroupsBlock - 1) / kGroupsBlock;
  return {slices, blocks, (slices * blocks * sizeof(uint64_t) + 63) / 64 * 64};
}

// The 4 weights of group g of channel n (K values 4g .. 4g+3, those past K as 0), as stored.
inline uint32_t groups_word(const int8_t* wei, size_t K, size_t n, size_t g) {
  uint32_t word = 0;
  for (size_t j = 0; j < 4 && 4 * g + j < K; ++j)
    word |= uint32_t{static_cast<uint8_t>(wei[n * K + 4 * g + j])} << (8 * j);
  return word;
}

// Stored groups of channel n in slice s (0 for a padding channel n >= N).
inline size_t groups_count(const int8_t* wei, size_t N, size_t K, size_t n, size_t s) {
  if (n >= N) return 0;
  const size_t g_end = (K + 3) / 4 < (s + 1) * kGroupsPerSlice ? (K + 3) / 4 : (s + 1) * kGroupsPerSlice;
  size_t count = 0;
  for (size_t g = s * kGroupsPerSlice; g < g_end; ++g) count += groups_word(wei, K, n, g) != 0;
  return count;
}

inline size_t groups_segment_bytes(size_t stored) {
  return (kGroupsBlock + 5 * stored + 3) / 4 * 4;
}

inline size_t groups_packed_bytes(const int8_t* wei, size_t N, size_t K) {
  const GroupsLayout L = groups_layout(N, K);
  size_t bytes = L.header_bytes;
  for (size_t s = 0; s < L.slices; ++s) {
    for (size_t b = 0; b < L.blocks; ++b) {
      size_t stored = 0;
      for (size_t j = 0; j < kGroupsBlock; ++j) stored += groups_count(wei, N, K, b * kGroupsBlock + j, s);
      bytes += groups_segment_bytes(stored);
    }
  }
  return bytes + kIndexOverread;
}

// Writes the layout into `packed` (zero-filled, groups_packed_bytes long).
inline void groups_pack(const int8_t* wei, size_t N, size_t K, void* packed) {
  auto* out = static_cast<uint8_t*>(packed);
  const GroupsLayout L = groups_layout(N, K);
  const size_t K4 = (K + 3) / 4;
  size_t at = L.header_bytes;
  for (size_t s = 0; s < L.slices; ++s) {
    for (size_t b = 0; b < L.blocks; ++b) {
      const uint64_t offset = at;
      __builtin_memcpy(out + (s * L.blocks + b) * sizeof(uint64_t), &offset, sizeof offset);
      size_t stored = 0;
      for (size_t j = 0; j < kGroupsBlock; ++j) {
        const size_t count = groups_count(wei, N, K, b * kGroupsBlock + j, s);
        out[at + j] = static_cast<uint8_t>(count);
        stored += count;
      }
      uint8_t* w = out + at + kGroupsBlock;
      uint8_t* idx = w + 4 * stored;
      for (size_t n = b * kGroupsBlock; n < (b + 1) * kGroupsBlock && n < N; ++n) {
        for (size_t g = s * kGroupsPerSlice; g < (s + 1) * kGroupsPerSlice && g < K4; ++g) {
          const uint32_t word = groups_word(wei, K, n, g);
          if (word == 0) continue;
          __builtin_memcpy(w, &word, 4);
          w += 4;
          *idx++ = static_cast<uint8_t>(g - s * kGroupsPerSlice);
        }
      }
      at += groups_segment_bytes(stored);
    }
  }
}

// Segment (s, b): counts[16], then the weights, then the indices of all 16 channels.
struct GroupsSegment {
  const uint8_t* counts;
  const uint8_t* wei;
  const uint8_t* idx;
};

inline GroupsSegment groups_segment(const void* packed, const GroupsLayout& L, size_t s, size_t b) {
  const auto* base = static_cast<const uint8_t*>(packed);
  uint64_t offset;
  __builtin_memcpy(&offset, base + (s * L.blocks + b) * sizeof(uint64_t), sizeof offset);
  const uint8_t* counts = base + offset;
  size_t stored = 0;
  for (size_t j = 0; j < kGroupsBlock; ++j) stored += counts[j];
  return {counts, counts + kGroupsBlock, counts + kGroupsBlock + 4 * stored};
}

}  // namespace
}  // namespace sparrow::kernels::qgemm

// The four entry points of a groups kernel from the including file's run(call, out) with out = OutS32 or
// OutF32; the packing is the format's, shared by all of them.
#define SPARROW_QGEMM_DEFINE_GROUPS_KERNEL(name)                                                             \
  size_t name##_packed_bytes(const int8_t* wei, size_t N, size_t K) {                                        \
    return groups_packed_bytes(wei, N, K);                                                                   \
  }                                                                                                          \
  void name##_pack(const int8_t* wei, size_t N, size_t K, void* packed) {                                    \
    groups_pack(wei, N, K, packed);                                                                          \
  }                                                                                                          \
  void name##_run_s32(const Call& c, int32_t* dst, size_t dst_stride) {                                      \
    run(c, OutS32{dst, dst_stride});                                                                         \
  }                                                                                                          \
  void name##_run_f32(const Call& c, const float* alpha, const float* beta, float* dst, size_t dst_stride) { \
    run(c, OutF32{alpha, beta, dst, dst_stride});                                                            \
  }
