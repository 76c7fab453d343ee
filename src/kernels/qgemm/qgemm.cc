#include "kernels/qgemm/qgemm.h"

#include <cassert>

#include "kernels/dispatch.h"
#include "kernels/qgemm/qgemm_kernels.h"
#include "sparrow/error.h"

namespace sparrow::kernels {
namespace qgemm {

enum KernelIndex : size_t {
#define SPARROW_QGEMM_KERNEL(isa, feature, format, name, MR, NR, KR) name##_index,
#include "kernels/qgemm/kernels.inc"
#undef SPARROW_QGEMM_KERNEL
  kKernelCount
};

extern const QgemmKernel kKernels[kKernelCount];

using PackedBytesFn = size_t (*)(const int8_t* wei, size_t N, size_t K);
using PackFn = void (*)(const int8_t* wei, size_t N, size_t K, void* packed);
using RunS32Fn = void (*)(const Call& call, int32_t* dst, size_t dst_stride);
using RunF32Fn = void (*)(const Call& call, const float* alpha, const float* beta, float* dst,
                          size_t dst_stride);

// Bookkeeping shared by every kernel's pack: storage, col_sums, the owner. Only the layout is the kernel's.
template <KernelIndex I, PackedBytesFn Bytes, PackFn Pack>
void pack(const int8_t* wei, size_t N, size_t K, QgemmWeights& out) {
  assert(N >= 1 && K >= 1 && K <= 65536);
  out.kernel = &kKernels[I];
  out.N = N;
  out.K = K;
  out.packed = base::AlignedBuffer(Bytes(wei, N, K));
  Pack(wei, N, K, out.packed.data());
  out.col_sums.assign(N, 0);
  for (size_t n = 0; n < N; ++n) {
    int32_t sum = 0;
    for (size_t k = 0; k < K; ++k) sum += wei[n * K + k];
    out.col_sums[n] = sum;
  }
}

template <KernelIndex I>
Call unwrap(size_t M, size_t n_begin, size_t n_end, const uint8_t* src, size_t src_stride,
            const QgemmWeights& wei) {
  [[maybe_unused]] const size_t n_block = kKernels[I].n_block;
  assert(wei.kernel == &kKernels[I]);
  assert(M >= 1 && wei.K >= 1 && src_stride >= wei.K);
  assert(n_begin < n_end && n_end <= wei.N);
  assert(n_begin % n_block == 0 && (n_end % n_block == 0 || n_end == wei.N));
  return Call{M, n_begin, n_end, src, src_stride, wei.packed.data(), wei.N, wei.K};
}

template <KernelIndex I, RunS32Fn Run>
void run_s32(size_t M, size_t n_begin, size_t n_end, const uint8_t* src, size_t src_stride,
             const QgemmWeights& wei, int32_t* dst, size_t dst_stride) {
  assert(dst_stride >= n_end);
  Run(unwrap<I>(M, n_begin, n_end, src, src_stride, wei), dst, dst_stride);
}

template <KernelIndex I, RunF32Fn Run>
void run_f32(size_t M, size_t n_begin, size_t n_end, const uint8_t* src, size_t src_stride,
             const QgemmWeights& wei, const QgemmEpilogue& ep, float* dst, size_t dst_stride) {
  assert(dst_stride >= n_end && ep.alpha && ep.beta);
  Run(unwrap<I>(M, n_begin, n_end, src, src_stride, wei), ep.alpha, ep.beta, dst, dst_stride);
}

const QgemmKernel kKernels[kKernelCount] = {
#define SPARROW_QGEMM_KERNEL(isa, feature, format, name, MR, NR, KR)       \
  {#name,                                                 \
   base::Isa::isa,                                        \
   CpuFeature::feature,                                   \
   WeightFormat::format,                                  \
   MR,                                                    \
   NR,                                                    \
   KR,                                                    \
   &pack<name##_index, name##_packed_bytes, name##_pack>, \
   &run_s32<name##_index, name##_run_s32>,                \
   &run_f32<name##_index, name##_run_f32>},
#include "kernels/qgemm/kernels.inc"
#undef SPARROW_QGEMM_KERNEL
};

static_assert(kKernelCount > 0);

}  // namespace qgemm

std::span<const QgemmKernel> qgemm_kernels() {
  return qgemm::kKernels;
}

const QgemmKernel* find_qgemm(std::string_view name) {
  return find_kernel(qgemm_kernels(), name);
}

const char* to_string(WeightFormat format) {
  switch (format) {
    case WeightFormat::dense:
      return "dense";
    case WeightFormat::bitmask:
      return "bitmask";
    case WeightFormat::groups:
      return "groups";
  }
  return "?";
}

std::string qgemm_reject_reason(const QgemmKernel& kernel, base::Isa max_isa) {
  std::string reason = isa_reject_reason(kernel.isa, max_isa);
  if (reason.empty() && kernel.feature == CpuFeature::vbmi2 && !base::has_avx512_vbmi2())
    reason = "needs avx512vbmi2, not on this CPU";
  return reason;
}

const QgemmKernel& select_qgemm(base::Isa max_isa, WeightFormat format) {
  const bool verbose = base::verbose_enabled("dispatch");
  for (const QgemmKernel& k : qgemm_kernels()) {
    if (k.format != format) continue;
    const std::string reason = qgemm_reject_reason(k, max_isa);
    if (reason.empty()) {
      if (verbose)
        std::fprintf(stderr, "sparrow dispatch: qgemm %s: chose %s (max isa %s)\n", to_string(format), k.name,
                     to_string(max_isa));
      return k;
    }
    if (verbose)
      std::fprintf(stderr, "sparrow dispatch: qgemm %s: skip %s: %s\n", to_string(format), k.name, reason.c_str());
  }
  fail("qgemm: no ", to_string(format), " kernel runs at ISA level ", to_string(max_isa),
       " (each format in kernels.inc must end with its reference)");
}

}  // namespace sparrow::kernels
