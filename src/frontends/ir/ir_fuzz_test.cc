// Randomized mutations of valid IR text: read_ir_from_memory must either succeed or throw sparrow::Error,
// never crash or invoke undefined behaviour (run under the address,undefined build). The seed is printed;
// replay with SPARROW_FUZZ_SEED=<seed>, and SPARROW_FUZZ_ITERATIONS=<n> runs longer.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "frontends/ir/ir_reader.h"
#include "frontends/ir/ir_test_util.h"
#include "sparrow/error.h"
#include "support/paths.h"

namespace sparrow::ir {
namespace {

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Values that stress parsing of numbers: signs, limits, overflow, non-numbers.
const char* const kNumbers[] = {"-1",
                                "-2",
                                "0",
                                "1",
                                "4",
                                "7",
                                "10",
                                "11",
                                "4294967296",
                                "9223372036854775807",
                                "9223372036854775808",
                                "18446744073709551615",
                                "18446744073709551616",
                                "1000000000000000000",
                                "1e18",
                                "",
                                " ",
                                "?",
                                "x",
                                "opset1",
                                "opset99",
                                "f32",
                                "u1"};

std::string mutate(const std::string& text, std::mt19937_64& rng) {
  std::string s = text;
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits && !s.empty(); ++e) {
    switch (pick(7)) {
      case 0:  // flip a bit
        s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // truncate
        s.resize(pick(s.size()));
        break;
      case 2:  // random byte
        s[pick(s.size())] = static_cast<char>(rng());
        break;
      case 3: {  // duplicate a slice somewhere else
        size_t from = pick(s.size()), len = pick(std::min<size_t>(200, s.size() - from) + 1);
        s.insert(pick(s.size() + 1), s.substr(from, len));
        break;
      }
      case 4: {  // delete a slice
        size_t from = pick(s.size());
        s.erase(from, pick(std::min<size_t>(200, s.size() - from) + 1));
        break;
      }
      default: {  // replace the value of a random attribute or the text of a random <dim>
        size_t at = pick(s.size());
        size_t open = s.find_first_of("\">", at);
        if (open == std::string::npos) break;
        size_t close = s.find_first_of("\"<", open + 1);
        if (close == std::string::npos) break;
        s.replace(open + 1, close - open - 1, kNumbers[pick(std::size(kNumbers))]);
        break;
      }
    }
  }
  return s;
}

void fuzz(const std::filesystem::path& xml, uint64_t iterations) {
  std::string text = testing::read_file(xml);
  std::string bin = testing::read_file(std::filesystem::path(xml).replace_extension(".bin"));
  ASSERT_FALSE(text.empty()) << xml;
  uint64_t seed = env_or("SPARROW_FUZZ_SEED", std::random_device{}());
  std::cout << "[ seed ] " << xml.filename().string() << ": SPARROW_FUZZ_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  const auto* weights = reinterpret_cast<const uint8_t*>(bin.data());
  uint64_t ok = 0, errors = 0;
  for (uint64_t i = 0; i < iterations; ++i) {
    std::string mutated = mutate(text, rng);
    try {
      read_ir_from_memory(mutated, nullptr, bin.empty() ? nullptr : weights, bin.size(), "fuzz.xml",
                          testing::test_registry());
      ++ok;
    } catch (const Error&) {
      ++errors;
    } catch (const std::exception& e) {
      FAIL() << "seed " << seed << " iteration " << i << ": a non-sparrow exception escaped: " << e.what();
    }
  }
  std::cout << "[ fuzz ] " << iterations << " mutations: " << ok << " read, " << errors << " rejected\n";
  EXPECT_GT(errors, 0u);
}

std::filesystem::path shared(const std::string& rel) {
  return sparrow::testing::shared_dir() / "data" / rel;
}

TEST(IrFuzz, MutatedDummyV10) {
  fuzz(shared("ir/ovms_test_models/dummy/dummy.xml"), env_or("SPARROW_FUZZ_ITERATIONS", 3000));
}

TEST(IrFuzz, MutatedScalarV11) {
  fuzz(shared("ir/ovms_test_models/scalar/saved_model.xml"), env_or("SPARROW_FUZZ_ITERATIONS", 3000));
}

TEST(IrFuzz, MutatedSst2) {
  fuzz(shared("models/sst2-tiny-sparse-int8/openvino_model.xml"), env_or("SPARROW_FUZZ_ITERATIONS", 300));
}

TEST(IrFuzz, ArbitraryBytes) {
  uint64_t seed = env_or("SPARROW_FUZZ_SEED", std::random_device{}());
  std::cout << "[ seed ] arbitrary bytes: SPARROW_FUZZ_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 256, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    if (i % 2) s = "<net version=\"11\"><layers>" + s;
    EXPECT_THROW(read_ir_from_memory(s, nullptr, nullptr, 0, "bytes.xml", testing::test_registry()), Error)
        << "seed " << seed << " iteration " << i;
  }
}

}  // namespace
}  // namespace sparrow::ir
