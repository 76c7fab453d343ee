// Reading the real IR files in ../shared: OpenVINO Model Server's tiny test models and the SST-2 model.
#include "frontends/ir/ir_reader.h"

#include <gtest/gtest.h>

#include <cstring>

#include "base/mapped_file.h"
#include "frontends/ir/ir_test_util.h"
#include "graph/op_registry.h"
#include "graph/shape_inference.h"
#include "sparrow/error.h"
#include "support/paths.h"

namespace sparrow::ir {
namespace {

using testing::test_registry;

std::filesystem::path ovms_dir() {
  return sparrow::testing::shared_dir() / "data/ir/ovms_test_models";
}
std::filesystem::path sst2_xml() {
  return sparrow::testing::shared_dir() / "data/models/sst2-tiny-sparse-int8/openvino_model.xml";
}

const graph::Node* producer_of(const graph::Node* result) {
  return result->inputs.at(0).node;
}
const graph::OutputPort& result_port(const graph::Node* result) {
  const graph::Edge& e = result->inputs.at(0);
  return e.node->outputs.at(e.port);
}

TEST(IrReader, AddTwoInputsV10) {
  auto g = read_ir(ovms_dir() / "add_two_inputs_model/add.xml", {}, test_registry());
  EXPECT_EQ(g->name, "saved_model");
  ASSERT_EQ(g->nodes().size(), 4u);
  ASSERT_EQ(g->parameters().size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const graph::Node* p = g->parameters()[i];
    EXPECT_EQ(p->name, i == 0 ? "input1" : "input2");
    EXPECT_EQ(p->outputs[0].type, ElementType::f32);
    EXPECT_EQ(p->outputs[0].shape, PartialShape({1, 10}));
    // IR v10 has no tensor names: the layer name stands in, as in OpenVINO.
    EXPECT_EQ(p->outputs[0].names, std::vector<std::string>{p->name});
    EXPECT_EQ(p->attrs.get_string("element_type"), "f32");
    EXPECT_EQ(p->attrs.get_string("shape"), "1,10");
  }
  ASSERT_EQ(g->results().size(), 1u);
  const graph::Node* sum = producer_of(g->results()[0]);
  EXPECT_EQ(g->results()[0]->name, "sum/sink_port_0");
  EXPECT_EQ(sum->type, "Add");
  EXPECT_EQ(sum->version, 1);
  EXPECT_EQ(sum->source_id, 2);
  EXPECT_EQ(sum->inputs[0].node, g->parameters()[0]);
  EXPECT_EQ(sum->inputs[1].node, g->parameters()[1]);
  EXPECT_EQ(result_port(g->results()[0]).names, std::vector<std::string>{"sum"});
  EXPECT_EQ(result_port(g->results()[0]).shape, PartialShape({1, 10}));
  EXPECT_EQ(result_port(g->results()[0]).type, ElementType::f32);
}

void expect_const_viewing_bin(const graph::Node* c, const std::filesystem::path& bin, Shape shape) {
  ASSERT_EQ(c->type, "Const");
  EXPECT_EQ(c->value.element_type(), ElementType::f32);
  EXPECT_EQ(c->value.shape(), shape);
  std::string bytes = testing::read_file(bin);
  ASSERT_EQ(bytes.size(), 4u);
  EXPECT_EQ(std::memcmp(c->value.data(), bytes.data(), 4), 0);
  EXPECT_EQ(c->attrs.get_string("offset"), "0");
  EXPECT_EQ(c->attrs.get_string("size"), "4");
}

TEST(IrReader, DummyV10WithConst) {
  auto g = read_ir(ovms_dir() / "dummy/dummy.xml", {}, test_registry());
  ASSERT_EQ(g->parameters().size(), 1u);
  EXPECT_EQ(g->parameters()[0]->name, "b");
  EXPECT_EQ(g->parameters()[0]->outputs[0].shape, PartialShape({1, 10}));
  ASSERT_EQ(g->results().size(), 1u);
  const graph::Node* add = producer_of(g->results()[0]);
  EXPECT_EQ(add->name, "a");
  EXPECT_EQ(result_port(g->results()[0]).names, std::vector<std::string>{"a"});
  expect_const_viewing_bin(add->inputs[1].node, ovms_dir() / "dummy/dummy.bin", {1, 1});
}

TEST(IrReader, Increment1x3x4x5) {
  auto g = read_ir(ovms_dir() / "increment_1x3x4x5/increment_1x3x4x5.xml", {}, test_registry());
  ASSERT_EQ(g->parameters().size(), 1u);
  EXPECT_EQ(g->parameters()[0]->outputs[0].shape, PartialShape({1, 3, 4, 5}));
  ASSERT_EQ(g->results().size(), 1u);
  EXPECT_EQ(result_port(g->results()[0]).shape, PartialShape({1, 3, 4, 5}));
  EXPECT_EQ(result_port(g->results()[0]).names, std::vector<std::string>{"output"});
  expect_const_viewing_bin(producer_of(g->results()[0])->inputs[1].node,
                           ovms_dir() / "increment_1x3x4x5/increment_1x3x4x5.bin", {1, 1, 1, 1});
}

TEST(IrReader, ScalarV11) {
  auto g = read_ir(ovms_dir() / "scalar/saved_model.xml", {}, test_registry());
  EXPECT_EQ(g->name, "TensorFlow_Frontend_IR");
  ASSERT_EQ(g->parameters().size(), 1u);
  const graph::Node* p = g->parameters()[0];
  EXPECT_EQ(p->outputs[0].shape, PartialShape());
  EXPECT_TRUE(p->outputs[0].shape.is_static());
  EXPECT_EQ(p->outputs[0].names, std::vector<std::string>{"model_scalar_input"});
  ASSERT_EQ(g->results().size(), 1u);
  const graph::Node* add = producer_of(g->results()[0]);
  EXPECT_EQ(add->attrs.get_string("auto_broadcast"), "numpy");
  EXPECT_EQ(result_port(g->results()[0]).names, std::vector<std::string>{"model_scalar_output"});
  EXPECT_EQ(result_port(g->results()[0]).shape, PartialShape());
  const graph::Node* c = add->inputs[1].node;
  EXPECT_EQ(c->outputs[0].names, (std::vector<std::string>{"const", "const:0"}));
  expect_const_viewing_bin(c, ovms_dir() / "scalar/saved_model.bin", {});
}

TEST(IrReader, SummatorIsStatefulAndUnsupported) {
  try {
    read_ir(ovms_dir() / "summator/summator.xml", {}, test_registry());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("summator.xml: layer id=1 name='read' type=ReadValue: unsupported op type "
                                   "ReadValue (version opset6)"),
        std::string::npos)
        << e.what();
  }
  EXPECT_THROW(read_ir(ovms_dir() / "summator/summator.xml"), Error);
}

TEST(IrReader, Sst2Model) {
  auto g = read_ir(sst2_xml(), {}, test_registry());
  EXPECT_EQ(g->name, "sst2-tiny-sparse-int8");
  EXPECT_EQ(g->nodes().size(), 268u);
  ASSERT_EQ(g->parameters().size(), 3u);
  const char* names[] = {"input_ids", "attention_mask", "token_type_ids"};
  for (size_t i = 0; i < 3; ++i) {
    const graph::Node* p = g->parameters()[i];
    EXPECT_EQ(p->name, names[i]);
    EXPECT_EQ(p->outputs[0].type, ElementType::i64);
    EXPECT_EQ(p->outputs[0].shape, PartialShape({-1, -1}));
    EXPECT_EQ(p->outputs[0].names, std::vector<std::string>{names[i]});
  }
  ASSERT_EQ(g->results().size(), 1u);
  EXPECT_EQ(result_port(g->results()[0]).names, std::vector<std::string>{"logits"});
  EXPECT_EQ(result_port(g->results()[0]).shape, PartialShape({-1, 2}));

  const graph::Node* embedding = nullptr;
  const graph::Node* gather_axis = nullptr;
  for (const auto& n : g->nodes()) {
    if (n->name == "bert.embeddings.word_embeddings.weight") embedding = n.get();
    if (n->name == "bert.embeddings.word_embeddings/Gather/axis") gather_axis = n.get();
  }
  ASSERT_NE(embedding, nullptr);
  ASSERT_NE(gather_axis, nullptr);
  EXPECT_EQ(embedding->value.element_type(), ElementType::f16);
  EXPECT_EQ(embedding->value.shape(), (Shape{30522, 128}));
  EXPECT_EQ(embedding->value.byte_size(), 7813632u);
  // Both Consts view one mapping of the bin, at their offsets: no copies.
  EXPECT_EQ(static_cast<const uint8_t*>(gather_axis->value.data()) -
                static_cast<const uint8_t*>(embedding->value.data()),
            7813632);
  std::string bin = testing::read_file(sst2_xml().replace_extension(".bin"));
  EXPECT_EQ(std::memcmp(embedding->value.data(), bin.data(), 7813632), 0);
  EXPECT_EQ(*gather_axis->value.data<int64_t>(), 0);

  int gathers = 0;
  for (const auto& n : g->nodes())
    if (n->type == "Gather") {
      EXPECT_EQ(n->version, 8);
      ++gathers;
    }
  EXPECT_EQ(gathers, 9);
}

// Reading through the real op registry and inferring shapes.
TEST(IrReader, Sst2ModelInfersShapesWithRealOps) {
  std::unique_ptr<graph::Graph> g = read_ir(sst2_xml());
  graph::infer_shapes(*g, graph::DeclaredShapes::kCheck);
  EXPECT_EQ(result_port(g->results()[0]).shape, PartialShape({-1, 2}));
  EXPECT_EQ(result_port(g->results()[0]).type, ElementType::f32);
}

TEST(IrReader, OvmsModelsInferShapesWithRealOps) {
  for (const char* rel : {"add_two_inputs_model/add.xml", "dummy/dummy.xml",
                          "increment_1x3x4x5/increment_1x3x4x5.xml", "scalar/saved_model.xml"}) {
    SCOPED_TRACE(rel);
    std::unique_ptr<graph::Graph> g = read_ir(ovms_dir() / rel);
    graph::infer_shapes(*g, graph::DeclaredShapes::kCheck);
  }
}

TEST(IrMappedFile, MapsEmptyMissingAndDirectory) {
  testing::TempDir dir;
  testing::write_file(dir / "empty.bin", "");
  auto empty = MappedFile::open(dir / "empty.bin");
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_EQ(empty->data(), nullptr);

  testing::write_file(dir / "data.bin", "hello");
  std::shared_ptr<MappedFile> file = MappedFile::open(dir / "data.bin");
  ASSERT_EQ(file->size(), 5u);
  EXPECT_EQ(std::memcmp(file->data(), "hello", 5), 0);
  // A tensor keeps the mapping alive after every other owner is gone.
  Tensor t(ElementType::u8, {5}, file, const_cast<uint8_t*>(file->data()));
  file.reset();
  EXPECT_EQ(t.data<uint8_t>()[4], 'o');

  EXPECT_THROW(MappedFile::open(dir / "absent.bin"), Error);
  try {
    MappedFile::open(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a regular file"), std::string::npos) << e.what();
  }
}

TEST(IrReader, EmptyBinIsPresentButHoldsNothing) {
  // add.bin is empty and the model has no Const: fine. A Const in it would be past the end.
  auto g = read_ir(ovms_dir() / "add_two_inputs_model/add.xml", ovms_dir() / "add_two_inputs_model/add.bin",
                   test_registry());
  EXPECT_EQ(g->nodes().size(), 4u);
  try {
    read_ir(ovms_dir() / "dummy/dummy.xml", ovms_dir() / "add_two_inputs_model/add.bin", test_registry());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("offset 0 + size 4 = 4 is past the end of the weights (0 bytes)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace sparrow::ir
