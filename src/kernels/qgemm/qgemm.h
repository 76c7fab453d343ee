// qgemm: the dense int8 matrix product of quantized linear layers, u8 activations x s8 weights.
//
// What is computed
//   acc[m][n] = sum_{k<K} int32(src[m][k]) * int32(wei[n][k])            m < M, n in [n_begin, n_end)
//   run_s32:  dst[m][n] = acc[m][n]
//   run_f32:  dst[m][n] = fmaf(float(acc[m][n]), alpha[n], beta[n])
//
//   src  u8, row-major [M][src_stride], src_stride >= K (activations, zero point folded into beta by the
//   caller) wei  s8, row-major [N][K], output-channel major as in a Linear layer's weight; packed once by
//   pack() dst  int32 or float, row-major [M][dst_stride], dst_stride >= n_end Strides are in elements.
//
// Exactness
//   acc is the exact integer sum for every u8 x s8 input with K <= 65536 (|255 * -128 * 65536| < 2^31):
//   every kernel produces the same int32 accumulators, bit for bit (no saturating int16 steps, no float).
//   float(acc) rounds to nearest-even (the default MXCSR mode) and the product-sum is one fused
//   multiply-add with a single rounding (std::fma in the reference), so run_f32 is bit-identical across
//   kernels and ISAs too. col_sums[n] = sum_k wei[n][k] lets the caller fold an activation zero point zp
//   into beta: sum_k (q[m][k] - zp) * wei[n][k] = acc[m][n] - zp * col_sums[n].
//
// Weight formats (docs/weight_formats.md): every kernel computes the same acc; they differ in how the packed
// weights are stored and which multiplications they skip.
//   dense    every weight, in the layout below.
//   bitmask  one bit per weight plus the non-zero bytes packed; expanded into the dense layout in registers
//            inside the product (about a third of the bytes at 80% zeros; every multiplication still runs).
//   groups   per output channel, only its 4-groups of consecutive K values that hold a non-zero, with their
//            indices; all-zero groups cost nothing.
// The packed size of a sparse format depends on the values, which pack() measures.
//
// Packing of the dense format (opaque to callers; the layout of the optimized kernels, "NRxKR" blocks)
//   Columns are grouped into panels of n_block (NR) columns; the last panel is padded with zero columns.
//   Within a panel, K is cut into groups of 4 (the last group padded with zeros) and each group stores, for
//   each of the NR columns, its 4 (or 2 x 2 widened) consecutive K values in one 32-bit lane, so one vector
//   load gives 16 (zmm) or 8 (ymm) columns x 4 K values:
//
//     panel p = columns [p*NR, p*NR + NR)          one k-group g (VNNI, NR = 48): 192 bytes = 3 zmm
//     +---------+---------+-- ... --+------------+  +-----------------+-----------------+-----------------+
//     | group 0 | group 1 |         | group K4-1 |  | n0:  k0 k1 k2 k3| n16: k0 k1 k2 k3| n32: k0 k1 k2 k3|
//     +---------+---------+-- ... --+------------+  | n1:  k0 k1 k2 k3| ...             | ...             |
//     K4 = ceil(K / 4); panels follow each other,   | ... n15  (zmm 0)| n31  (zmm 1)    | n47  (zmm 2)    |
//     each a multiple of 64 bytes                   +-----------------+-----------------+-----------------+
//   docs/kernels.md draws each kernel's layout. The reference kernel keeps a plain [N][K] copy.
//   Storage is 64-byte aligned; padding is zero and never reaches dst.
//
// Memory that kernels touch
//   src: rows [0, M), columns [0, K) only; nothing past the last element (K tails use partial loads).
//   dst: rows [0, M) x columns [n_begin, n_end) only (stride padding and other columns are left alone).
//   alpha, beta: [n_begin, n_end) only. No alignment is required of src, dst, alpha or beta.
//   packed weights: the panels of [n_begin, n_end), plus prefetch hints (prefetcht1, never a load) for the
//   panel after each one inside that range; nothing past the packed buffer.
//
// Threading
//   Weights are packed once (at compile time of a model) and then shared read-only by every thread and
//   stream. run_* is single-threaded and reentrant; the caller splits columns between threads in multiples
//   of n_block, so threads write disjoint columns of dst.
//
// Preconditions (debug asserts; kernels never fail): M >= 1; 1 <= K <= 65536; n_begin < n_end <= N;
// n_begin % n_block == 0; n_end % n_block == 0 or n_end == N; wei.kernel is the kernel being run.
//
// Kernels are listed in kernels.inc (one line each: ISA, name, tile sizes); docs/kernels.md says how to
// add one. Names follow qgemm_<types>_<MR>x<NR>c<KR>_<isa>: MR rows x NR columns of dst per register tile,
// KR K values per 32-bit lane of packed weights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/aligned_buffer.h"
#include "base/isa.h"

namespace sparrow::kernels {

struct QgemmKernel;

enum class WeightFormat { dense, bitmask, groups };
inline constexpr WeightFormat kAllWeightFormats[] = {WeightFormat::dense, WeightFormat::bitmask,
                                                     WeightFormat::groups};
const char* to_string(WeightFormat format);

// A CPU feature a kernel needs beyond its ISA level.
enum class CpuFeature { none, vbmi2 };

// Weights packed for one kernel; immutable after pack, shared read-only by all threads and streams.
struct QgemmWeights {
  const QgemmKernel* kernel = nullptr;  // the kernel these were packed for (only it may run them)
  size_t N = 0, K = 0;
  base::AlignedBuffer packed;     // the kernel's packed layout, 64-byte aligned, zero padding
  std::vector<int32_t> col_sums;  // [N]: sum_k wei[n][k]
};

// dst[m][n] = fmaf(float(acc[m][n]), alpha[n], beta[n]); alpha and beta have N entries.
struct QgemmEpilogue {
  const float* alpha = nullptr;
  const float* beta = nullptr;
};

struct QgemmKernel {
  const char* name;     // qgemm_u8s8s32_8x48c4_avx512vnni, ...
  base::Isa isa;        // the lowest ISA level it needs
  CpuFeature feature;   // and a feature beyond that level (vbmi2: vpexpandb), or none
  WeightFormat format;  // how pack() stores the weights
  size_t m_tile;     // MR: rows per register tile (informational: any M is accepted)
  size_t n_block;    // NR: column granularity for splitting work between threads
  size_t k_group;    // KR: K values per 32-bit lane of the packed layout (informational)

  // Packs wei (row-major [N][K], s8) into `out`: sets kernel, N, K, packed and col_sums.
  void (*pack)(const int8_t* wei, size_t N, size_t K, QgemmWeights& out);
  // Columns [n_begin, n_end) of all M rows, int32 accumulators.
  void (*run_s32)(size_t M, size_t n_begin, size_t n_end, const uint8_t* src, size_t src_stride,
                  const QgemmWeights& wei, int32_t* dst, size_t dst_stride);
  // Columns [n_begin, n_end) of all M rows through the f32 epilogue.
  void (*run_f32)(size_t M, size_t n_begin, size_t n_end, const uint8_t* src, size_t src_stride,
                  const QgemmWeights& wei, const QgemmEpilogue& ep, float* dst, size_t dst_stride);
};

// Every compiled kernel in preference order within each format (kernels.inc), the dense reference last.
std::span<const QgemmKernel> qgemm_kernels();

// The kernel of that name, or nullptr.
const QgemmKernel* find_qgemm(std::string_view name);

// Why `kernel` may not run under `max_isa` on this CPU ("needs avx512vnni, above the cap avx2", "needs
// avx512vbmi2, not on this CPU"), or "" when it may.
std::string qgemm_reject_reason(const QgemmKernel& kernel, base::Isa max_isa);

// The first kernel of `format` whose ISA is <= max_isa and that this CPU supports (each format's reference
// always qualifies). With SPARROW_VERBOSE=dispatch, prints each rejected kernel with its reason and the
// choice to stderr. Callers pass base::max_isa() unless they test a level on purpose.
const QgemmKernel& select_qgemm(base::Isa max_isa, WeightFormat format = WeightFormat::dense);

}  // namespace sparrow::kernels
