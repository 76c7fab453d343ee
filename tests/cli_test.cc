// The `sparrow` command as a user runs it: exit codes, messages, and outputs that match the library's.
#include "support/cli.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/paths.h"

namespace sparrow::testing {
namespace {

std::string sst2() {
  return (shared_dir() / "data/models/sst2-tiny-sparse-int8").string();
}

TEST(Cli, InfoShowsInputsOpsAndSparsity) {
  CliResult r = run_cli("info -m " + sst2());
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.output().find("input_ids                i64      [?,?]"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("FakeQuantize             8"), std::string::npos);
  EXPECT_NE(r.output().find(
                "bert.encoder.layer.0.attention.self.query/MatMul         [128,128]      i8     80.00%"),
            std::string::npos)
      << r.output();
}

TEST(Cli, InfoShowsTheKernelOfEachLinearLayer) {
  CliResult r = run_cli("info --json -m " + sst2());
  ASSERT_EQ(r.status, 0) << r.output();
  auto j = nlohmann::json::parse(r.out);
  int quantized = 0;
  for (const auto& layer : j["linear_layers"]) {
    // int8 layers run on a qgemm kernel; the f32 pooler and classifier on an sgemm kernel.
    std::string kernel = layer["kernel"];
    bool int8 = layer["weight_type"] == "i8";
    EXPECT_EQ(kernel.rfind(int8 ? "qgemm_u8s8s32_" : "sgemm_f32f64acc_", 0), 0u) << layer["name"] << " " << kernel;
    // All-zero groups of 4 input channels, for the packed int8 layers: at 80% unstructured zeros about
    // 0.8^4 = 41% of the groups (the rows are finite samples, hence the band).
    EXPECT_EQ(layer.contains("zero_4groups"), int8) << layer["name"];
    if (int8) {
      EXPECT_GT(layer["zero_4groups"].get<double>(), 0.36) << layer["name"];
      EXPECT_LT(layer["zero_4groups"].get<double>(), 0.46) << layer["name"];
    }
    quantized += int8;
  }
  EXPECT_EQ(quantized, 12);
  EXPECT_EQ(j["sparse_layers"], 0) << "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE is 1 (off) by default";
  EXPECT_EQ(j["packed_layers"], 12);
  // Attention is one fused node per layer, and so is each LayerNorm (embeddings + 2 per layer).
  int attention = 0, layernorm = 0, ref_matmul = 0;
  for (const auto& [kernel, count] : j["compiled_kernels"].items()) {
    attention += kernel.find("(Attention)") != std::string::npos ? count.get<int>() : 0;
    layernorm += kernel.find("(LayerNorm)") != std::string::npos ? count.get<int>() : 0;
    ref_matmul += kernel == "ref (MatMul)" ? count.get<int>() : 0;
  }
  EXPECT_EQ(attention, 2);
  EXPECT_EQ(layernorm, 5);
  EXPECT_EQ(ref_matmul, 0);
  // A capped ISA picks the reference kernels, and says so.
  CliResult capped = run_cli("info -m " + sst2(), "SPARROW_MAX_ISA=ref");
  ASSERT_EQ(capped.status, 0) << capped.output();
  for (const char* want : {"qgemm_u8s8s32_ref (QuantizedMatMul)", "sgemm_f32f64acc_ref+vmath_f64_ref (Attention)",
                           "vmath_f64_ref (LayerNorm)"}) {
    EXPECT_NE(capped.out.find(want), std::string::npos) << want << "\n" << capped.out;
  }
}

// --sparse-rate picks kernels as CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE would: every 80%-sparse layer takes a
// sparse format, its packed bytes shrink, and the table says so.
TEST(Cli, InfoShowsTheWeightFormatTheRateChooses) {
  CliResult dense = run_cli("info --json -m " + sst2());
  CliResult sparse = run_cli("info --json --sparse-rate 0.75 -m " + sst2());
  ASSERT_EQ(dense.status, 0) << dense.output();
  ASSERT_EQ(sparse.status, 0) << sparse.output();
  auto d = nlohmann::json::parse(dense.out), s = nlohmann::json::parse(sparse.out);
  EXPECT_EQ(s["sparse_layers"], 12);
  EXPECT_LT(s["packed_weight_bytes"].get<double>(), d["packed_weight_bytes"].get<double>());
  for (const auto& layer : s["linear_layers"]) {
    if (layer["weight_type"] != "i8") continue;
    EXPECT_NE(layer["format"], "dense") << layer["name"];
    EXPECT_NE(layer["kernel"].get<std::string>().find(layer["format"].get<std::string>()), std::string::npos)
        << layer["kernel"];
  }
  for (const auto& layer : d["linear_layers"]) {
    if (layer["weight_type"] == "i8") {
      EXPECT_EQ(layer["format"], "dense") << layer["name"];
    }
  }
  CliResult table = run_cli("info --sparse-rate AUTO -m " + sst2());
  ASSERT_EQ(table.status, 0) << table.output();
  EXPECT_NE(table.out.find("0-groups format      packed  kernel"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("packed layers sparse (CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE AUTO)"), std::string::npos)
      << table.out;
  CliResult bad = run_cli("info --sparse-rate 2 -m " + sst2());
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: 2 is outside [0, 1] (or AUTO)"), std::string::npos)
      << bad.err;
}

TEST(Cli, InfoJsonIsMachineReadable) {
  CliResult r = run_cli("info --json -m " + sst2());
  ASSERT_EQ(r.status, 0) << r.output();
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["nodes"], 268);
  EXPECT_EQ(j["linear_layers"].size(), 14u);
  EXPECT_NEAR(j["linear_layers"][0]["zero_fraction"].get<double>(), 13107.0 / 16384, 1e-12);
}

TEST(Cli, RunPrintsGoldenLogitsAndWritesNpy) {
  auto out = build_dir() / "cli_test_run";
  std::filesystem::remove_all(out);
  // "He's a dreadful magician." from the model's golden.json: logits [2.3470168, -2.3956287].
  CliResult r =
      run_cli("run -m " + sst2() +
              " -i 'input_ids=[[101,2002,1005,1055,1037,21794,16669,1012,102]]'"
              " -i 'attention_mask=[[1,1,1,1,1,1,1,1,1]]' -i 'token_type_ids=[[0,0,0,0,0,0,0,0,0]]' -o " +
              out.string());
  ASSERT_EQ(r.status, 0) << r.output();
  auto j = nlohmann::json::parse(r.out);
  const auto& logits = j["outputs"][0];
  EXPECT_EQ(logits["name"], "logits");
  EXPECT_NEAR(logits["values"][0].get<double>(), 2.3470168, 1e-4);
  EXPECT_NEAR(logits["values"][1].get<double>(), -2.3956287, 1e-4);
  std::ifstream npy(out / "logits.npy", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(npy)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 128u + 8u);  // 64-byte-aligned v1 header, then 2 floats
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_NE(bytes.find("'shape': (1, 2)"), std::string::npos);
}

TEST(Cli, ErrorsAreClearAndExitNonZero) {
  CliResult missing = run_cli("info -m /nonexistent/model");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.output().find("no such file or folder"), std::string::npos) << missing.output();

  CliResult bad_input = run_cli("run -m " + sst2() + " -i 'nope=[[1]]'");
  EXPECT_EQ(bad_input.status, 1);
  EXPECT_NE(bad_input.output().find("no input named 'nope'"), std::string::npos) << bad_input.output();

  CliResult oov = run_cli(
      "run -m " + sst2() +
      " -i 'input_ids=[[101,99999,102]]' -i 'attention_mask=[[1,1,1]]' -i 'token_type_ids=[[0,0,0]]'");
  EXPECT_EQ(oov.status, 1);
  EXPECT_NE(oov.output().find("99999"), std::string::npos) << oov.output();

  CliResult usage = run_cli("frobnicate");
  EXPECT_NE(usage.status, 0);
}

}  // namespace
}  // namespace sparrow::testing
