// The instruction-set levels that kernels are written for, as a lattice (here a chain: each level includes
// the ones below it), detected once with cpuid and XGETBV.
//
// A level counts as detected only when the CPU has every feature it names AND the OS saves the register
// state it needs (XCR0: ymm state for avx2, opmask + zmm state for the avx512 levels); a hypervisor that
// hides zmm state therefore caps the level even if cpuid lists AVX-512.
//
// SPARROW_MAX_ISA=ref|avx2|avx512|avx512vnni caps the level (docs/knobs.md), so every kernel path can be
// tested on one machine. Code that selects kernels should take the cap as a parameter (max_isa() is only
// the default), so tests can run every level in one process.
#pragma once

#include <optional>
#include <string_view>

namespace sparrow::base {

enum class Isa {
  ref,         // plain C++: no ISA assumption beyond the baseline x86-64 the build targets
  avx2,        // AVX2 + FMA + F16C, OS saves ymm state
  avx512,      // avx2 + AVX-512 F, BW, VL, DQ, OS saves opmask and zmm state
  avx512vnni,  // avx512 + AVX512_VNNI (vpdpbusd)
};

// Every Isa value from lowest to highest.
inline constexpr Isa kAllIsas[] = {Isa::ref, Isa::avx2, Isa::avx512, Isa::avx512vnni};

// Raw feature bits, for reports and for features that are not lattice levels.
struct CpuFeatures {
  bool avx2 = false, fma = false, f16c = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false;
  bool avx512vnni = false, avx512vbmi2 = false;
  bool os_ymm = false;  // XCR0 has SSE and AVX state
  bool os_zmm = false;  // XCR0 has SSE, AVX, opmask, ZMM_Hi256 and Hi16_ZMM state
};

// Detected once on first use; thread-safe.
const CpuFeatures& cpu_features();

// The highest level this CPU and OS support.
Isa detected_isa();

// AVX-512 VBMI2 (vpexpandb, vpcompressb) with OS zmm support; not a lattice level, kernels that need it
// also need Isa::avx512 or above.
bool has_avx512_vbmi2();

// min(detected_isa(), the SPARROW_MAX_ISA cap). The variable is read on every call (cheap), so a test may
// set it; an invalid value throws sparrow::Error naming the variable and the accepted values.
Isa max_isa();

// min(detected, the cap that `env_value` names); nullptr or "" means no cap. Throws like max_isa().
Isa cap_isa(Isa detected, const char* env_value);

// "ref", "avx2", "avx512", "avx512vnni": the names SPARROW_MAX_ISA accepts.
const char* to_string(Isa isa);
std::optional<Isa> parse_isa(std::string_view name);

}  // namespace sparrow::base
