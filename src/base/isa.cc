#include "base/isa.h"

#include <cpuid.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "sparrow/error.h"

namespace sparrow::base {
namespace {

bool bit(uint32_t reg, int i) {
  return (reg >> i) & 1u;
}

// XGETBV(0) without -mxsave; only valid once cpuid reports OSXSAVE.
uint64_t read_xcr0() {
  uint32_t eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = bit(ecx, 27), avx = bit(ecx, 28);
  f.fma = bit(ecx, 12);
  f.f16c = bit(ecx, 29);
  if (osxsave) {
    uint64_t xcr0 = read_xcr0();
    f.os_ymm = (xcr0 & 0x6) == 0x6;    // SSE (bit 1) + AVX (bit 2)
    f.os_zmm = (xcr0 & 0xe6) == 0xe6;  // + opmask (5), ZMM_Hi256 (6), Hi16_ZMM (7)
  }
  if (!avx) f.os_ymm = f.os_zmm = false;
  if (__get_cpuid_max(0, nullptr) >= 7) {
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    f.avx2 = bit(ebx, 5);
    f.avx512f = bit(ebx, 16);
    f.avx512dq = bit(ebx, 17);
    f.avx512bw = bit(ebx, 30);
    f.avx512vl = bit(ebx, 31);
    f.avx512vbmi2 = bit(ecx, 6);
    f.avx512vnni = bit(ecx, 11);
  }
  return f;
}

Isa level_of(const CpuFeatures& f) {
  if (!(f.os_ymm && f.avx2 && f.fma && f.f16c)) return Isa::ref;
  if (!(f.os_zmm && f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq)) return Isa::avx2;
  if (!f.avx512vnni) return Isa::avx512;
  return Isa::avx512vnni;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

Isa detected_isa() {
  static const Isa level = level_of(cpu_features());
  return level;
}

bool has_avx512_vbmi2() {
  return detected_isa() >= Isa::avx512 && cpu_features().avx512vbmi2;
}

const char* to_string(Isa isa) {
  switch (isa) {
    case Isa::ref:
      return "ref";
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
    case Isa::avx512vnni:
      return "avx512vnni";
  }
  return "unknown";
}

std::optional<Isa> parse_isa(std::string_view name) {
  for (Isa isa : kAllIsas) {
    if (name == to_string(isa)) return isa;
  }
  return std::nullopt;
}

Isa cap_isa(Isa detected, const char* env_value) {
  if (!env_value || !*env_value) return detected;
  std::optional<Isa> cap = parse_isa(env_value);
  SPARROW_CHECK(cap, "SPARROW_MAX_ISA='", env_value,
                "' is not an ISA level; accepted values: ref, avx2, avx512, ", "avx512vnni");
  return std::min(detected, *cap);
}

Isa max_isa() {
  return cap_isa(detected_isa(), std::getenv("SPARROW_MAX_ISA"));
}

}  // namespace sparrow::base
