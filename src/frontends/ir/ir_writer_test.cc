// Writing IR v11 and reading it back: the graph must survive unchanged.
#include "frontends/ir/ir_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <unordered_map>

#include "frontends/ir/ir_reader.h"
#include "frontends/ir/ir_test_util.h"
#include "graph/shape_inference.h"
#include "sparrow/error.h"
#include "support/paths.h"

namespace sparrow::ir {
namespace {

using testing::test_registry;

// Attributes that the writer recomputes from the value or the port: compared through them instead.
bool recomputed(const graph::Node& n, const std::string& key) {
  if (n.type == "Const") return key == "shape" || key == "offset" || key == "size";
  if (n.type == "Parameter") return key == "shape";
  return false;
}

void expect_same_node(const graph::Node& a, const graph::Node& b) {
  SCOPED_TRACE(a.describe());
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.version, b.version);
  ASSERT_EQ(a.inputs.size(), b.inputs.size());
  ASSERT_EQ(a.outputs.size(), b.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i) {
    EXPECT_EQ(a.outputs[i].type, b.outputs[i].type);
    EXPECT_EQ(a.outputs[i].shape, b.outputs[i].shape);
    EXPECT_EQ(a.outputs[i].names, b.outputs[i].names);
  }
  for (const auto& [key, value] : a.attrs.all()) {
    if (recomputed(a, key)) continue;
    EXPECT_TRUE(b.attrs.has(key)) << key;
    if (b.attrs.has(key)) {
      EXPECT_EQ(value, b.attrs.get_string(key)) << key;
    }
  }
  for (const auto& [key, value] : b.attrs.all()) {
    if (!recomputed(b, key)) {
      EXPECT_TRUE(a.attrs.has(key)) << key;
    }
  }
  if (a.type == "Const") {
    EXPECT_EQ(a.value.element_type(), b.value.element_type());
    EXPECT_EQ(a.value.shape(), b.value.shape());
    ASSERT_EQ(a.value.byte_size(), b.value.byte_size());
    if (a.value.byte_size()) {
      EXPECT_EQ(std::memcmp(a.value.data(), b.value.data(), a.value.byte_size()), 0);
    }
  }
}

// Compares two graphs structurally: parameters and results in order, then every producer reached from them.
void expect_same_graph(const graph::Graph& a, const graph::Graph& b) {
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.nodes().size(), b.nodes().size());
  ASSERT_EQ(a.parameters().size(), b.parameters().size());
  ASSERT_EQ(a.results().size(), b.results().size());
  std::unordered_map<const graph::Node*, const graph::Node*> map;
  std::vector<std::pair<const graph::Node*, const graph::Node*>> work;
  for (size_t i = 0; i < a.parameters().size(); ++i) work.emplace_back(a.parameters()[i], b.parameters()[i]);
  for (size_t i = 0; i < a.results().size(); ++i) work.emplace_back(a.results()[i], b.results()[i]);
  while (!work.empty()) {
    auto [x, y] = work.back();
    work.pop_back();
    auto [it, inserted] = map.emplace(x, y);
    if (!inserted) {
      ASSERT_EQ(it->second, y) << x->describe() << " maps to two nodes";
      continue;
    }
    expect_same_node(*x, *y);
    if (::testing::Test::HasFatalFailure()) return;
    for (size_t i = 0; i < x->inputs.size(); ++i) {
      EXPECT_EQ(x->inputs[i].port, y->inputs[i].port);
      work.emplace_back(x->inputs[i].node, y->inputs[i].node);
    }
  }
  EXPECT_EQ(map.size(), a.nodes().size())
      << "nodes unreachable from parameters and results were not compared";
}

std::filesystem::path shared(const std::string& rel) {
  return sparrow::testing::shared_dir() / "data" / rel;
}

void round_trip(const std::filesystem::path& xml) {
  SCOPED_TRACE(xml.string());
  auto original = read_ir(xml, {}, test_registry());
  testing::TempDir dir;
  write_ir(*original, dir / "a.xml");
  auto again = read_ir(dir / "a.xml", {}, test_registry());
  expect_same_graph(*original, *again);
  // Writing what was read back gives the same files: the writer is deterministic and idempotent.
  write_ir(*again, dir / "b.xml", dir / "b.bin");
  EXPECT_EQ(testing::read_file(dir / "a.xml"), testing::read_file(dir / "b.xml"));
  EXPECT_EQ(testing::read_file(dir / "a.bin"), testing::read_file(dir / "b.bin"));
}

TEST(IrWriter, RoundTripsOvmsModels) {
  round_trip(shared("ir/ovms_test_models/add_two_inputs_model/add.xml"));
  round_trip(shared("ir/ovms_test_models/dummy/dummy.xml"));
  round_trip(shared("ir/ovms_test_models/increment_1x3x4x5/increment_1x3x4x5.xml"));
  round_trip(shared("ir/ovms_test_models/scalar/saved_model.xml"));
}

TEST(IrWriter, RoundTripsSst2Model) {
  std::filesystem::path xml = shared("models/sst2-tiny-sparse-int8/openvino_model.xml");
  round_trip(xml);
  // The model's payloads are all distinct except where deduplication may merge them: never larger.
  auto g = read_ir(xml, {}, test_registry());
  testing::TempDir dir;
  write_ir(*g, dir / "m.xml");
  EXPECT_LE(std::filesystem::file_size(dir / "m.bin"),
            std::filesystem::file_size(std::filesystem::path(xml).replace_extension(".bin")));
  std::string text = testing::read_file(dir / "m.xml");
  EXPECT_NE(text.find(R"(<net name="sst2-tiny-sparse-int8" version="11">)"), std::string::npos);
  EXPECT_NE(text.find(R"(type="Gather" version="opset8")"), std::string::npos);
  EXPECT_NE(text.find(R"(precision="I64" names="input_ids")"), std::string::npos);
}

// With the real ops: read, infer, write, read, infer gives the same graph (declared shapes are the inferred
// ones).
TEST(IrWriter, RoundTripsSst2ModelAfterShapeInference) {
  std::filesystem::path xml = shared("models/sst2-tiny-sparse-int8/openvino_model.xml");
  std::unique_ptr<graph::Graph> g = read_ir(xml);
  graph::infer_shapes(*g, graph::DeclaredShapes::kCheck);
  testing::TempDir dir;
  write_ir(*g, dir / "m.xml");
  auto back = read_ir(dir / "m.xml");
  graph::infer_shapes(*back, graph::DeclaredShapes::kCheck);
  expect_same_graph(*g, *back);
}

Tensor f32_tensor(Shape shape, std::vector<float> values) {
  Tensor t(ElementType::f32, std::move(shape));
  std::memcpy(t.data(), values.data(), values.size() * sizeof(float));
  return t;
}

TEST(IrWriter, DeduplicatesPayloadsAndKeepsOrderAndNames) {
  graph::Graph g;
  g.name = "dedup";
  graph::Node* x = g.add_parameter("x", ElementType::f32, PartialShape({-1, 2}));
  graph::Node* y = g.add_parameter("y", ElementType::f32, PartialShape::dynamic_rank());
  graph::Node* c1 = g.add_constant("c1", f32_tensor({2}, {1.f, 2.f}));
  graph::Node* c2 = g.add_constant("c2", f32_tensor({2}, {1.f, 2.f}));
  graph::Node* c3 =
      g.add_constant("c3", f32_tensor({1, 2}, {1.f, 2.f}));  // same bytes, other shape: shares too
  graph::Node* c4 = g.add_constant("c4", f32_tensor({2}, {3.f, 4.f}));
  graph::Node* a1 = g.add_node("Add", 1, "a1", {{x, 0}, {c1, 0}}, 1);
  graph::Node* a2 = g.add_node("Add", 1, "a2", {{a1, 0}, {c2, 0}}, 1);
  graph::Node* a3 = g.add_node("Add", 1, "a3", {{a2, 0}, {c3, 0}}, 1);
  graph::Node* a4 = g.add_node("Add", 1, "a4", {{y, 0}, {c4, 0}}, 1);
  a1->attrs.set("auto_broadcast", "numpy");
  for (graph::Node* n : {a1, a2, a3, a4}) n->outputs[0].type = ElementType::f32;
  a1->outputs[0].shape = PartialShape({-1, 2});
  a2->outputs[0].shape = PartialShape({-1, 2});
  a3->outputs[0].shape = PartialShape({-1, 2});
  a4->outputs[0].shape = PartialShape({-1, 2});
  a3->outputs[0].names = {"out,with,commas", "out2"};
  a4->outputs[0].names = {"second"};
  g.add_result("r_second", {a4, 0});
  g.add_result("r_first", {a3, 0});
  // Declared orders differ from creation order.
  g.set_parameters({y, x});

  testing::TempDir dir;
  write_ir(g, dir / "d.xml");
  EXPECT_EQ(std::filesystem::file_size(dir / "d.bin"), 16u);  // {1,2} once and {3,4} once
  auto back = read_ir(dir / "d.xml", {}, test_registry());
  expect_same_graph(g, *back);
  EXPECT_EQ(back->parameters()[0]->name, "y");
  EXPECT_EQ(back->results()[0]->name, "r_second");
  EXPECT_EQ(back->results()[1]->inputs[0].node->outputs[0].names,
            (std::vector<std::string>{"out,with,commas", "out2"}));
  EXPECT_TRUE(back->parameters()[0]->outputs[0].shape.rank_is_dynamic());
  std::string text = testing::read_file(dir / "d.xml");
  EXPECT_NE(text.find(R"(names="out\,with\,commas,out2")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(<data shape="..." element_type="f32" />)"), std::string::npos) << text;
}

TEST(IrWriter, ReplacingTheBinThatConstsViewIsSafe) {
  testing::TempDir dir;
  auto g = read_ir(shared("ir/ovms_test_models/dummy/dummy.xml"), {}, test_registry());
  write_ir(*g, dir / "m.xml");
  auto mapped = read_ir(dir / "m.xml", {}, test_registry());
  write_ir(*mapped, dir / "m.xml");  // rewrites m.bin while `mapped` views it
  auto again = read_ir(dir / "m.xml", {}, test_registry());
  expect_same_graph(*mapped, *again);
}

TEST(IrWriter, RejectsCycles) {
  graph::Graph g;
  graph::Node* a = g.add_node("Add", 1, "a", {{nullptr, 0}, {nullptr, 0}}, 1);
  graph::Node* b = g.add_node("Add", 1, "b", {{a, 0}, {a, 0}}, 1);
  a->inputs = {{b, 0}, {b, 0}};
  g.add_result("r", {b, 0});
  testing::TempDir dir;
  EXPECT_THROW(write_ir(g, dir / "c.xml"), Error);
}

TEST(IrWriter, UnwritablePathIsAnError) {
  graph::Graph g;
  g.add_result("r", {g.add_parameter("x", ElementType::f32, PartialShape({1})), 0});
  EXPECT_THROW(write_ir(g, "/nonexistent-dir/x.xml"), Error);
}

}  // namespace
}  // namespace sparrow::ir
