#include "base/isa.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "sparrow/error.h"

namespace sparrow::base {
namespace {

TEST(Isa, NamesRoundTripAndOrderIsTheLattice) {
  for (Isa isa : kAllIsas) EXPECT_EQ(parse_isa(to_string(isa)), isa);
  EXPECT_EQ(parse_isa("AVX2"), std::nullopt);
  EXPECT_EQ(parse_isa("avx512vnn"), std::nullopt);
  EXPECT_LT(Isa::ref, Isa::avx2);
  EXPECT_LT(Isa::avx2, Isa::avx512);
  EXPECT_LT(Isa::avx512, Isa::avx512vnni);
}

TEST(Isa, CapIsTheMinimumOfDetectedAndTheVariable) {
  EXPECT_EQ(cap_isa(Isa::avx512vnni, nullptr), Isa::avx512vnni);
  EXPECT_EQ(cap_isa(Isa::avx512vnni, ""), Isa::avx512vnni);
  EXPECT_EQ(cap_isa(Isa::avx512vnni, "avx2"), Isa::avx2);
  EXPECT_EQ(cap_isa(Isa::avx512vnni, "ref"), Isa::ref);
  EXPECT_EQ(cap_isa(Isa::avx2, "avx512vnni"), Isa::avx2);  // a cap never raises the level
  EXPECT_EQ(cap_isa(Isa::avx512, "avx512"), Isa::avx512);
}

TEST(Isa, InvalidCapNamesTheVariableAndTheAcceptedValues) {
  try {
    cap_isa(Isa::avx2, "avx3");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(
        e.what(),
        "SPARROW_MAX_ISA='avx3' is not an ISA level; accepted values: ref, avx2, avx512, avx512vnni");
  }
}

TEST(Isa, MaxIsaReadsTheVariable) {
  setenv("SPARROW_MAX_ISA", "ref", 1);
  EXPECT_EQ(max_isa(), Isa::ref);
  setenv("SPARROW_MAX_ISA", "avx2", 1);
  EXPECT_EQ(max_isa(), std::min(Isa::avx2, detected_isa()));
  setenv("SPARROW_MAX_ISA", "bogus", 1);
  EXPECT_THROW(max_isa(), Error);
  unsetenv("SPARROW_MAX_ISA");
  EXPECT_EQ(max_isa(), detected_isa());
}

// The kernel's view (/proc/cpuinfo flags, which it clears when the OS does not save the state) agrees
// with cpuid + XGETBV.
TEST(Isa, DetectionAgreesWithProcCpuinfo) {
  std::ifstream in("/proc/cpuinfo");
  std::set<std::string> flags;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    for (std::string w; words >> w;) flags.insert(w);
    break;
  }
  if (flags.empty()) GTEST_SKIP() << "no flags line in /proc/cpuinfo";
  const CpuFeatures& f = cpu_features();
  std::printf("detected ISA: %s, vbmi2: %d\n", to_string(detected_isa()), has_avx512_vbmi2());
  EXPECT_EQ(f.avx2, flags.count("avx2") == 1);
  EXPECT_EQ(f.fma, flags.count("fma") == 1);
  EXPECT_EQ(f.f16c, flags.count("f16c") == 1);
  EXPECT_EQ(f.avx512f, flags.count("avx512f") == 1);
  EXPECT_EQ(f.avx512bw, flags.count("avx512bw") == 1);
  EXPECT_EQ(f.avx512vl, flags.count("avx512vl") == 1);
  EXPECT_EQ(f.avx512dq, flags.count("avx512dq") == 1);
  EXPECT_EQ(f.avx512vnni, flags.count("avx512_vnni") == 1);
  EXPECT_EQ(f.avx512vbmi2, flags.count("avx512_vbmi2") == 1);
  const bool all512 =
      flags.count("avx512f") && flags.count("avx512bw") && flags.count("avx512vl") && flags.count("avx512dq");
  if (all512 && flags.count("avx512_vnni")) {
    EXPECT_EQ(detected_isa(), Isa::avx512vnni);
  }
  if (detected_isa() >= Isa::avx512) {
    EXPECT_TRUE(f.os_zmm);
  }
  if (detected_isa() >= Isa::avx2) {
    EXPECT_TRUE(f.os_ymm);
  }
  EXPECT_EQ(has_avx512_vbmi2(), f.avx512vbmi2 && detected_isa() >= Isa::avx512);
}

}  // namespace
}  // namespace sparrow::base
