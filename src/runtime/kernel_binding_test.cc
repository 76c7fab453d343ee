#include "runtime/kernel_binding.h"

#include <gtest/gtest.h>

#include <cstring>

#include "frontends/ir/ir_reader.h"
#include "graph/shape_inference.h"
#include "kernels/qgemm/qgemm.h"
#include "runtime/compiler.h"
#include "support/paths.h"

namespace sparrow::runtime {
namespace {

std::unique_ptr<graph::Graph> sst2_model() {
  auto dir = testing::shared_dir() / "data/models/sst2-tiny-sparse-int8";
  auto g = ir::read_ir(dir / "openvino_model.xml", dir / "openvino_model.bin");
  graph::infer_shapes(*g, graph::DeclaredShapes::kCheck);
  return g;
}

std::vector<Tensor> tokens(int64_t batch, int64_t seq) {
  Tensor ids(ElementType::i64, {batch, seq}), mask(ElementType::i64, {batch, seq}), types(ElementType::i64, {batch, seq});
  for (int64_t i = 0; i < batch * seq; ++i) {
    ids.data<int64_t>()[i] = 1000 + (i * 7919) % 29000;
    mask.data<int64_t>()[i] = (i % seq) < seq - 5 * (i / seq) ? 1 : 0;  // row r has 5r padding tokens
    types.data<int64_t>()[i] = (i % seq) > seq / 2;
  }
  return {ids, mask, types};
}

// Every linear layer runs on the kernel that dispatch picks for the level, and every level gives the same
// logits bit for bit: the int32 sums and the f32 epilogue are exact on every ISA.
TEST(KernelBinding, EveryIsaLevelRunsItsKernelAndAgreesBitForBit) {
  auto model = sst2_model();
  std::vector<Tensor> inputs = tokens(3, 37);
  std::vector<float> first;
  for (base::Isa isa : base::kAllIsas) {
    if (isa > base::detected_isa()) {
      std::printf("skipping %s: this CPU has only %s\n", base::to_string(isa), base::to_string(base::detected_isa()));
      continue;
    }
    Config config = Config::from({});
    config.max_isa = isa;
    auto compiled = compile(*model, config);
    const std::string want = kernels::select_qgemm(isa).name;
    int bound = 0;
    for (const auto& node : compiled->graph->nodes()) {
      if (node->type != "QuantizedMatMul") continue;
      EXPECT_EQ(node->exec_type, want) << node->name;
      ++bound;
    }
    EXPECT_EQ(bound, 12) << "6 linear layers in each of 2 layers";
    std::vector<Tensor> out = compiled->executor->run(inputs);
    const float* logits = out.at(0).data<float>();
    std::vector<float> got(logits, logits + out[0].size());
    if (first.empty()) {
      first = got;
    } else {
      EXPECT_EQ(std::memcmp(got.data(), first.data(), got.size() * sizeof(float)), 0) << base::to_string(isa);
    }
  }
  // The best level of this CPU gets a kernel of that level: a silent fallback to scalar code fails here.
  const std::string best = kernels::select_qgemm(base::detected_isa()).name;
  if (base::detected_isa() >= base::Isa::avx512vnni) {
    EXPECT_NE(best.find("avx512vnni"), std::string::npos) << best;
  } else if (base::detected_isa() >= base::Isa::avx2) {
    EXPECT_NE(best.find("avx2"), std::string::npos) << best;
  }
}

// The real 80%-sparse SST-2 model with each sparse weight format, at every ISA level: the logits equal the
// dense ones bit for bit, and the sparse kernels ran exactly when the rate selects them.
TEST(KernelBinding, SparseFormatsAgreeWithDenseBitForBitAtEveryLevel) {
  auto model = sst2_model();
  std::vector<Tensor> inputs = tokens(3, 37);
  Config dense_config = Config::from({});
  dense_config.sparse_weights = {};
  std::vector<Tensor> dense = compile(*model, dense_config)->executor->run(inputs);
  const float* want = dense.at(0).data<float>();
  for (base::Isa isa : base::kAllIsas) {
    if (isa > base::detected_isa()) continue;
    for (kernels::WeightFormat format : {kernels::WeightFormat::bitmask, kernels::WeightFormat::groups}) {
      // 0.75: every encoder layer (80% zeros) goes sparse; 0.9: none does.
      for (double rate : {0.75, 0.9}) {
        Config config = Config::from({});
        config.max_isa = isa;
        config.sparse_weights = {false, rate, format};
        auto compiled = compile(*model, config);
        const kernels::WeightFormat expected = rate < 0.8 ? format : kernels::WeightFormat::dense;
        const std::string kernel = kernels::select_qgemm(isa, expected).name;
        const std::string what = std::string(base::to_string(isa)) + " " + kernels::to_string(format) +
                                 " rate " + std::to_string(rate);
        int sparse = 0;
        for (const auto& node : compiled->graph->nodes()) {
          if (node->type != "QuantizedMatMul") continue;
          EXPECT_EQ(node->exec_type, kernel) << node->name << " " << what;
          ASSERT_TRUE(node->packed_weights) << node->name;
          EXPECT_EQ(node->packed_weights->format, kernels::to_string(expected)) << node->name << " " << what;
          sparse += node->packed_weights->format != "dense";
        }
        EXPECT_EQ(sparse, rate < 0.8 ? 12 : 0) << what;
        std::vector<Tensor> out = compiled->executor->run(inputs);
        ASSERT_EQ(out.at(0).size(), dense[0].size());
        EXPECT_EQ(std::memcmp(out[0].data<float>(), want, dense[0].size() * sizeof(float)), 0) << what;
      }
    }
  }
}

}  // namespace
}  // namespace sparrow::runtime

namespace sparrow::runtime {
namespace {

// A second inference of the same shapes takes every activation buffer from the stream's arena.
TEST(Executor, ASecondInferenceAsksTheSystemForNoActivationBuffer) {
  auto compiled = compile(*sst2_model(), Config::from({}));
  std::vector<Tensor> inputs = tokens(2, 23);
  ExecutionScratch scratch;
  std::vector<Tensor> first = compiled->executor->run(inputs, scratch);
  const size_t fresh = scratch.arena->stats().fresh_blocks;
  EXPECT_GT(fresh, 0u);
  first.clear();
  std::vector<Tensor> second = compiled->executor->run(inputs, scratch);
  EXPECT_EQ(scratch.arena->stats().fresh_blocks, fresh);
  EXPECT_GT(scratch.arena->stats().reused_blocks, 0u);
}

}  // namespace
}  // namespace sparrow::runtime
