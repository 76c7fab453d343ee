// Seeded random numbers that are bit-identical on every platform: splitmix64 for the bits, and a normal
// distribution built from integer sums only, so no libm function (log, cos) and no FMA contraction can change
// a single value between compilers, libraries or CPUs. std::normal_distribution is unspecified by the
// standard and differs between libstdc++, libc++ and MSVC.
#pragma once

#include <cstdint>
#include <string_view>

namespace sparrow::synth {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n) for n > 0 (modulo bias below 2^-40 for the n used here).
  uint64_t below(uint64_t n) { return next() % n; }

  // Approximately N(0, 1): the Irwin-Hall sum of 12 uniforms minus 6 (mean 0, variance 1, support [-6, 6]).
  // Each uniform is (k + 1/2) / 2^32 with k a 32-bit integer; the sum of the 12 integers is exact in int64
  // and the one conversion to double (a division by a power of two after an exact subtraction) is exact too.
  double normal() {
    int64_t sum = 0;
    for (int i = 0; i < 6; ++i) {
      uint64_t r = next();
      sum += static_cast<int64_t>(r & 0xffffffffu) + static_cast<int64_t>(r >> 32);
    }
    // sum(k_i + 1/2) / 2^32 - 6 = (sum + 6 - 6 * 2^32) / 2^32; |numerator| < 2^36, exact as a double.
    return static_cast<double>(sum + 6 - 6 * (int64_t{1} << 32)) / 4294967296.0;
  }

 private:
  uint64_t state_;
};

// A stream per tensor: the seed mixed with a hash of the tensor's name (FNV-1a), so that each tensor's values
// depend only on (seed, name), not on the order of generation or on the number of layers.
inline uint64_t stream_seed(uint64_t seed, std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : name) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  SplitMix64 mix(seed ^ h);
  return mix.next();
}

}  // namespace sparrow::synth
