// The public API on small real IRs: read, reshape, compile, properties, infer and its error messages.
#include <gtest/gtest.h>

#include "sparrow/core.h"
#include "support/errors.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

std::filesystem::path ovms(const char* rel) { return shared_dir() / "data/ir/ovms_test_models" / rel; }

TEST(Api, DummyAddsOne) {
  Core core;
  auto model = core.read_model(ovms("dummy/dummy.xml"));
  ASSERT_EQ(model->inputs().size(), 1u);
  EXPECT_EQ(model->inputs()[0].name, "b");
  EXPECT_EQ(model->inputs()[0].shape.to_string(), "[1,10]");
  CompiledModel compiled = core.compile_model(model);
  InferRequest req = compiled.create_infer_request();
  Tensor in = req.get_input_tensor();  // static inputs come preallocated, like OpenVINO
  ASSERT_EQ(in.shape(), (Shape{1, 10}));
  for (int i = 0; i < 10; ++i) in.data<float>()[i] = static_cast<float>(i) - 2.5f;
  req.infer();
  Tensor out = req.get_output_tensor();
  ASSERT_EQ(out.shape(), (Shape{1, 10}));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(out.data<float>()[i], static_cast<float>(i) - 1.5f);
  EXPECT_EQ(req.get_tensor("a").data<float>()[0], -1.5f);  // v10 outputs are named after the producer
}

TEST(Api, AddTwoInputs) {
  Core core;
  auto model = core.read_model(ovms("add_two_inputs_model/add.xml"));
  CompiledModel compiled = core.compile_model(model);
  InferRequest req = compiled.create_infer_request();
  for (const Port& p : compiled.inputs()) {
    Tensor t = req.get_input_tensor(p.index);
    for (size_t i = 0; i < t.size(); ++i) t.data<float>()[i] = static_cast<float>(i * (p.index + 1));
  }
  req.infer();
  Tensor out = req.get_output_tensor();
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out.data<float>()[i], static_cast<float>(3 * i));
}

TEST(Api, ReshapeChangesShapesAndRejectsBadRank) {
  Core core;
  auto model = core.read_model(ovms("dummy/dummy.xml"));
  model->reshape({{"b", PartialShape{3, 10}}});
  EXPECT_EQ(model->inputs()[0].shape.to_string(), "[3,10]");
  EXPECT_EQ(model->outputs()[0].shape.to_string(), "[3,10]");
  EXPECT_NE(error_of([&] { model->reshape({{"b", PartialShape{3}}}); }).find("rank"), std::string::npos);
  EXPECT_EQ(model->inputs()[0].shape.to_string(), "[3,10]");  // unchanged after a failed reshape
  EXPECT_NE(error_of([&] { model->reshape({{"nope", PartialShape{1}}}); }).find("no input named 'nope'"),
            std::string::npos);
}

TEST(Api, SetTensorChecksTypeAndShape) {
  Core core;
  CompiledModel compiled = core.compile_model(ovms("dummy/dummy.xml"));
  InferRequest req = compiled.create_infer_request();
  EXPECT_NE(error_of([&] { req.set_tensor("b", Tensor(ElementType::i64, {1, 10})); }).find("takes f32"),
            std::string::npos);
  EXPECT_NE(error_of([&] { req.set_tensor("b", Tensor(ElementType::f32, {2, 10})); }).find("takes shape [1,10]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { req.set_tensor("zzz", Tensor(ElementType::f32, {1, 10})); }).find("not an input"),
            std::string::npos);
}

TEST(Api, PropertiesAreValidatedAndReported) {
  Core core;
  auto model = core.read_model(ovms("dummy/dummy.xml"));
  CompiledModel c = core.compile_model(model, "CPU", {{"NUM_STREAMS", 2}, {"PERFORMANCE_HINT", "THROUGHPUT"},
                                                      {"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", "0.75"}});
  EXPECT_EQ(c.get_property("NUM_STREAMS").as_int(), 2);
  EXPECT_EQ(c.get_property("PERFORMANCE_HINT").as_string(), "THROUGHPUT");
  EXPECT_DOUBLE_EQ(c.get_property("CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE").as_double(), 0.75);
  auto err = [&](AnyMap props) { return error_of([&] { core.compile_model(model, "CPU", props); }); };
  EXPECT_NE(err({{"NUM_STREAMS", 0}}).find("NUM_STREAMS"), std::string::npos);
  EXPECT_NE(err({{"INFERENCE_NUM_THREADS", -1}}).find("INFERENCE_NUM_THREADS"), std::string::npos);
  EXPECT_NE(err({{"PERFORMANCE_HINT", "FAST"}}).find("PERFORMANCE_HINT"), std::string::npos);
  EXPECT_NE(err({{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", 1.5}}).find("outside [0, 1]"), std::string::npos);
  EXPECT_NE(err({{"NO_SUCH_KEY", 1}}).find("unknown property 'NO_SUCH_KEY'"), std::string::npos);
  EXPECT_NE(error_of([&] { core.compile_model(model, "GPU"); }).find("GPU"), std::string::npos);
}

TEST(Api, DynamicInputMustBeSet) {
  Core core;
  CompiledModel compiled = core.compile_model(shared_dir() / "data/models/sst2-tiny-sparse-int8/openvino_model.xml");
  InferRequest req = compiled.create_infer_request();
  EXPECT_NE(error_of([&] { req.infer(); }).find("is dynamic"), std::string::npos);
}

}  // namespace
}  // namespace sparrow::testing
