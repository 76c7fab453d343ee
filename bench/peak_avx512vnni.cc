// The machine's vpdpbusd ceiling, measured in the same run as the kernels (the clock of a shared machine
// moves): 16 independent zmm accumulators, no memory operands, as ../shared/peers/limits.cpp does.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace sparrow::bench {

typedef int32_t Acc __attribute__((vector_size(64)));

// Runs `iterations` x 16 vpdpbusd (16 x 64 multiply-adds each); returns a value that depends on all of them.
int32_t vpdpbusd_peak(size_t iterations) {
  const __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
  Acc acc[16];
  for (int i = 0; i < 16; ++i) acc[i] = Acc{} + i;
  for (size_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) acc[i] = (Acc)_mm512_dpbusd_epi32((__m512i)acc[i], a, b);
  }
  Acc sum{};
  for (int i = 0; i < 16; ++i) sum += acc[i];
  return sum[0];
}

}  // namespace sparrow::bench
