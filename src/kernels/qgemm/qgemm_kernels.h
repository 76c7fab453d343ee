// The per-kernel entry points that kernels.inc declares, in raw pointers only: the per-ISA translation
// units include this header and nothing from the standard library's templates, so no inline function
// compiled with that ISA's flags can be shared (as a weak symbol) with code that runs on any CPU.
// qgemm.cc wraps these into QgemmKernel (qgemm.h holds the contract).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sparrow::kernels::qgemm {

struct Tile {
  int mr, nr, kr;
};

// One call's operands (qgemm.h names them), with the packed weights unwrapped.
struct Call {
  size_t M, n_begin, n_end;
  const uint8_t* src;
  size_t src_stride;
  const void* packed;  // the layout `pack` wrote
  size_t N, K;
};

// name_packed_bytes: the storage the packed layout needs for these weights (sparse formats depend on the
// values; dense ones read only N and K); name_pack: writes it into `packed`, which the caller allocated
// (64-byte aligned) and zero-filled; name_run_s32 / name_run_f32: the two outputs.
#define SPARROW_QGEMM_KERNEL(isa, feature, format, name, MR, NR, KR)                       \
  inline constexpr Tile name##_tile{MR, NR, KR};                          \
  size_t name##_packed_bytes(const int8_t* wei, size_t N, size_t K);                         \
  void name##_pack(const int8_t* wei, size_t N, size_t K, void* packed);  \
  void name##_run_s32(const Call& call, int32_t* dst, size_t dst_stride); \
  void name##_run_f32(const Call& call, const float* alpha, const float* beta, float* dst, size_t dst_stride);
#include "kernels/qgemm/kernels.inc"
#undef SPARROW_QGEMM_KERNEL

}  // namespace sparrow::kernels::qgemm
