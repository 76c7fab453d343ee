// A corpus of malformed IR files, generated from one small valid model by text edits, each with the exact
// error it must produce.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "frontends/ir/ir_reader.h"
#include "frontends/ir/ir_test_util.h"
#include "sparrow/error.h"

namespace sparrow::ir {
namespace {

using testing::replace_once;
using testing::test_registry;

// Parameter [1,4] + Const [1,1] (1.5f at offset 0 of a 4-byte bin) -> Add -> Result.
const char* const kValidXml = R"(<?xml version="1.0"?>
<net name="tiny" version="11">
	<layers>
		<layer id="0" name="input" type="Parameter" version="opset1">
			<data shape="1,4" element_type="f32" />
			<output>
				<port id="0" precision="FP32" names="input"><dim>1</dim><dim>4</dim></port>
			</output>
		</layer>
		<layer id="1" name="bias" type="Const" version="opset1">
			<data element_type="f32" shape="1,1" offset="0" size="4" />
			<output>
				<port id="0" precision="FP32"><dim>1</dim> <dim>1</dim></port>
			</output>
		</layer>
		<layer id="2" name="sum" type="Add" version="opset1">
			<data auto_broadcast="numpy" />
			<rt_info><attribute name="fused_names" version="0" value="sum" /></rt_info>
			<input>
				<port id="0" precision="FP32"><dim>1</dim>  <dim>4</dim></port>
				<port id="1" precision="FP32"><dim>1</dim>   <dim>1</dim></port>
			</input>
			<output>
				<port id="2" precision="FP32" names="sum,sum:0"><dim>1</dim><dim>4</dim></port>
			</output>
		</layer>
		<layer id="3" name="sum/sink_port_0" type="Result" version="opset1">
			<input>
				<port id="0" precision="FP32"><dim>1</dim>    <dim>4</dim></port>
			</input>
		</layer>
	</layers>
	<edges>
		<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
		<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
		<edge from-layer="2" from-port="2" to-layer="3" to-port="0" />
	</edges>
	<rt_info>
		<framework value="test" />
	</rt_info>
</net>
)";

const float kBias = 1.5f;

std::unique_ptr<graph::Graph> read_tiny(const std::string& xml) {
  return read_ir_from_memory(xml, nullptr, reinterpret_cast<const uint8_t*>(&kBias), sizeof(kBias),
                             "tiny.xml", test_registry());
}

TEST(IrMalformed, ValidBaseModelReads) {
  auto g = read_tiny(kValidXml);
  ASSERT_EQ(g->nodes().size(), 4u);
  EXPECT_EQ(g->name, "tiny");
  ASSERT_EQ(g->parameters().size(), 1u);
  ASSERT_EQ(g->results().size(), 1u);
  const graph::Node* sum = g->results()[0]->inputs[0].node;
  EXPECT_EQ(sum->name, "sum");
  EXPECT_EQ(sum->source_id, 2);
  EXPECT_EQ(sum->attrs.get_string("auto_broadcast"), "numpy");
  EXPECT_EQ(sum->outputs[0].names, (std::vector<std::string>{"sum", "sum:0"}));
  EXPECT_EQ(sum->outputs[0].shape, PartialShape({1, 4}));
  const graph::Node* bias = sum->inputs[1].node;
  EXPECT_EQ(bias->type, "Const");
  EXPECT_EQ(bias->value.data(), static_cast<const void*>(&kBias));
  EXPECT_EQ(*bias->value.data<float>(), 1.5f);
}

struct Case {
  const char* name;
  std::function<std::string(const std::string&)> edit;
  const char* expected;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

std::function<std::string(const std::string&)> edit(std::string from, std::string to) {
  return [from, to](const std::string& s) { return replace_once(s, from, to); };
}

const char* const kConstEdge = R"(<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />)";

const Case kCases[] = {
    {"Truncated", [](const std::string& s) { return s.substr(0, s.size() / 2); },
     "tiny.xml: xml parse error at line 20, column 19: "},
    {"Empty", [](const std::string&) { return std::string(); },
     "tiny.xml: xml parse error at line 1, column 1: "},
    {"NotXml", [](const std::string&) { return std::string("\x01\x02 binary <<<"); },
     "tiny.xml: xml parse error"},
    {"RootNotNet",
     [](const std::string& s) {
       return replace_once(replace_once(s, "<net ", "<model "), "</net>", "</model>");
     },
     "tiny.xml: expected root element <net>, found <model>"},
    {"NetVersion7", edit(R"(version="11">)", R"(version="7">)"),
     "tiny.xml: unsupported IR version '7' (expected 10 or 11)"},
    {"NetVersionMissing", edit(R"(<net name="tiny" version="11">)", R"(<net name="tiny">)"),
     "tiny.xml: <net> has no version attribute (expected 10 or 11)"},
    {"NoLayers",
     [](const std::string& s) {
       return replace_once(replace_once(s, "<layers>", "<stuff>"), "</layers>", "</stuff>");
     },
     "tiny.xml: <net> has no <layers>"},
    {"DuplicateLayerId", edit(R"(<layer id="3")", R"(<layer id="2")"),
     "tiny.xml: layer id=2 name='sum/sink_port_0' type=Result: duplicate layer id 2"},
    {"LayerIdNotNumber", edit(R"(<layer id="3")", R"(<layer id="three")"),
     "tiny.xml: layer #3 (name='sum/sink_port_0'): layer id 'three' is not a non-negative integer"},
    {"LayerIdMissing", edit(R"(<layer id="3" )", "<layer "),
     "tiny.xml: layer #3 (name='sum/sink_port_0'): <layer> has no attribute 'id'"},
    {"VersionMissing", edit(R"(type="Add" version="opset1")", R"(type="Add")"),
     "tiny.xml: layer id=2 name='sum' type=Add: <layer> has no attribute 'version'"},
    {"UnknownOpType", edit(R"(type="Add")", R"(type="Frobnicate")"),
     "tiny.xml: layer id=2 name='sum' type=Frobnicate: unsupported op type Frobnicate (version opset1)"},
    {"UnknownOpset", edit(R"(type="Add" version="opset1")", R"(type="Add" version="opset99")"),
     "tiny.xml: layer id=2 name='sum' type=Add: unknown op version 'opset99' (expected opset1 ... opset16)"},
    {"ExperimentalOpset", edit(R"(type="Add" version="opset1")", R"(type="Add" version="experimental")"),
     "layer id=2 name='sum' type=Add: unknown op version 'experimental'"},
    {"OpsetTrailingJunk", edit(R"(type="Add" version="opset1")", R"(type="Add" version="opset1x")"),
     "unknown op version 'opset1x'"},
    {"DuplicatePortId",
     edit(R"(<port id="2" precision="FP32" names)", R"(<port id="1" precision="FP32" names)"),
     "layer id=2 name='sum' type=Add: duplicate port id 1"},
    {"PortIdNotNumber",
     edit(R"(<port id="2" precision="FP32" names)", R"(<port id="-2" precision="FP32" names)"),
     "layer id=2 name='sum' type=Add: port id '-2' is not a non-negative integer"},
    {"WrongElementTypeName", edit(R"(element_type="f32" shape="1,1")", R"(element_type="f33" shape="1,1")"),
     "tiny.xml: layer id=1 name='bias' type=Const: unknown element_type 'f33'"},
    {"ConstPrecisionMismatch",
     edit(R"(<port id="0" precision="FP32"><dim>1</dim> <dim>1</dim>)",
          R"(<port id="0" precision="FP16"><dim>1</dim> <dim>1</dim>)"),
     "layer id=1 name='bias' type=Const: output port 0 precision f16 does not match element_type f32"},
    {"ParameterPrecisionMismatch",
     edit(R"(precision="FP32" names="input")", R"(precision="I64" names="input")"),
     "layer id=0 name='input' type=Parameter: output port 0 precision i64 does not match element_type f32"},
    {"UnknownPrecision", edit(R"(precision="FP32" names="sum)", R"(precision="FP33" names="sum)"),
     "layer id=2 name='sum' type=Add: port 2: unknown precision 'FP33'"},
    {"MissingPrecision", edit(R"(precision="FP32" names="sum)", R"(names="sum)"),
     "layer id=2 name='sum' type=Add: output port 2 has no precision attribute"},
    {"ParameterShapeGarbage", edit(R"(shape="1,4")", R"(shape="1,x")"),
     "layer id=0 name='input' type=Parameter: shape '1,x': dimension 'x' is not a number"},
    {"ParameterShapeAbsurd", edit(R"(shape="1,4")", R"(shape="1,1000000000000000000")"),
     "layer id=0 name='input' type=Parameter: shape '1,1000000000000000000': dimension 1000000000000000000 "
     "is "
     "absurdly large"},
    {"ParameterShapeMissing",
     edit(R"(<data shape="1,4" element_type="f32" />)", R"(<data element_type="f32" />)"),
     "layer id=0 name='input' type=Parameter: <data> has no attribute 'shape'"},
    {"ParameterDimsMismatch", edit(R"(shape="1,4")", R"(shape="1,5")"),
     "layer id=0 name='input' type=Parameter: output port dims [1,4] do not match data shape '1,5'"},
    {"NegativeDim", edit(R"(names="sum,sum:0"><dim>1</dim>)", R"(names="sum,sum:0"><dim>-2</dim>)"),
     "layer id=2 name='sum' type=Add: port 2: dimension -2 is negative (expected -1 for dynamic or >= 0)"},
    {"AbsurdDim", edit(R"(names="sum,sum:0"><dim>1</dim>)", R"(names="sum,sum:0"><dim>1e18</dim>)"),
     "layer id=2 name='sum' type=Add: port 2: <dim> '1e18' is not an integer"},
    {"AbsurdDimValue",
     edit(R"(names="sum,sum:0"><dim>1</dim>)", R"(names="sum,sum:0"><dim>1000000000000000000</dim>)"),
     "layer id=2 name='sum' type=Add: port 2: dimension 1000000000000000000 is absurdly large"},
    {"AbsurdInputDim",
     edit(R"(<dim>1</dim>    <dim>4</dim>)", R"(<dim>1</dim>    <dim>99999999999999999999</dim>)"),
     "layer id=3 name='sum/sink_port_0' type=Result: port 0: <dim> '99999999999999999999' is not an integer"},
    {"ConstPastEnd", edit(R"(offset="0" size="4")", R"(offset="4" size="4")"),
     "tiny.xml: layer id=1 name='bias' type=Const: offset 4 + size 4 = 8 is past the end of the weights (4 "
     "bytes)"},
    {"ConstOffsetOverflow", edit(R"(offset="0" size="4")", R"(offset="18446744073709551615" size="4")"),
     "layer id=1 name='bias' type=Const: offset 18446744073709551615 + size 4 overflows 64 bits"},
    {"ConstOffsetNegative", edit(R"(offset="0" size="4")", R"(offset="-4" size="4")"),
     "layer id=1 name='bias' type=Const: offset '-4' is not a non-negative integer"},
    {"ConstOffsetTooBig", edit(R"(offset="0" size="4")", R"(offset="99999999999999999999999" size="4")"),
     "offset '99999999999999999999999' is not a non-negative integer"},
    {"ConstOffsetMissing", edit(R"(offset="0" size="4")", R"(size="4")"),
     "layer id=1 name='bias' type=Const: <data> has no attribute 'offset'"},
    {"ConstSizeMismatch", edit(R"(offset="0" size="4")", R"(offset="0" size="8")"),
     "layer id=1 name='bias' type=Const: size 8 does not match shape [1,1] of f32 (expected 4 bytes)"},
    {"ConstNegativeDim", edit(R"(element_type="f32" shape="1,1")", R"(element_type="f32" shape="1,-1")"),
     "layer id=1 name='bias' type=Const: shape '1,-1': dimension -1 is negative (a Const shape is static)"},
    {"ConstAbsurdDim",
     edit(R"(element_type="f32" shape="1,1")", R"(element_type="f32" shape="1000000000000000000,1")"),
     "layer id=1 name='bias' type=Const: shape '1000000000000000000,1': dimension 1000000000000000000 is "
     "absurdly "
     "large"},
    {"ConstAbsurdElements",
     edit(R"(element_type="f32" shape="1,1")", R"(element_type="f32" shape="1000000000,1000000000")"),
     "layer id=1 name='bias' type=Const: shape '1000000000,1000000000' has absurdly many elements"},
    {"ConstDimsMismatch", edit(R"(element_type="f32" shape="1,1")", R"(element_type="f32" shape="1")"),
     "layer id=1 name='bias' type=Const: output port dims [1,1] do not match data shape [1]"},
    {"EdgeToMissingLayer", edit(R"(to-layer="3")", R"(to-layer="9")"),
     "tiny.xml: edge #2 (from-layer=2 from-port=2 to-layer=9 to-port=0): to-layer 9 does not exist"},
    {"EdgeFromMissingLayer", edit(R"(from-layer="1")", R"(from-layer="7")"),
     "tiny.xml: edge #1 (from-layer=7 from-port=0 to-layer=2 to-port=1): from-layer 7 does not exist"},
    {"EdgeToMissingPort", edit(R"(to-layer="2" to-port="1")", R"(to-layer="2" to-port="5")"),
     "tiny.xml: layer id=2 name='sum' type=Add: edge #1 (from-layer=1 from-port=0 to-layer=2 to-port=5): the "
     "layer "
     "has no port 5"},
    {"EdgeFromMissingPort", edit(R"(from-layer="1" from-port="0")", R"(from-layer="1" from-port="3")"),
     "layer id=1 name='bias' type=Const: edge #1 (from-layer=1 from-port=3 to-layer=2 to-port=1): the layer "
     "has no "
     "port 3"},
    {"EdgeFromInputPort", edit(R"(from-layer="2" from-port="2")", R"(from-layer="2" from-port="0")"),
     "layer id=2 name='sum' type=Add: edge #2 (from-layer=2 from-port=0 to-layer=3 to-port=0): port 0 is an "
     "input "
     "port (expected an output port to start the edge)"},
    {"EdgeIntoOutputPort", edit(R"(to-layer="2" to-port="1")", R"(to-layer="2" to-port="2")"),
     "layer id=2 name='sum' type=Add: edge #1 (from-layer=1 from-port=0 to-layer=2 to-port=2): port 2 is an "
     "output "
     "port (expected an input port to end the edge)"},
    {"EdgeAttributeGarbage", edit(R"(to-layer="2" to-port="1")", R"(to-layer="2" to-port="one")"),
     "tiny.xml: edge #1: to-port 'one' is not a non-negative integer"},
    {"EdgeAttributeMissing", edit(R"(to-layer="2" to-port="1")", R"(to-layer="2")"),
     "tiny.xml: edge #1: to-port '' is not a non-negative integer"},
    {"InputWithoutEdge", edit(kConstEdge, ""),
     "tiny.xml: layer id=2 name='sum' type=Add: input port 1 has no incoming edge"},
    {"TwoEdgesIntoOnePort",
     edit(kConstEdge,
          std::string(kConstEdge) + R"(<edge from-layer="0" from-port="0" to-layer="2" to-port="1" />)"),
     "layer id=2 name='sum' type=Add: edge #2 (from-layer=0 from-port=0 to-layer=2 to-port=1): input port 1 "
     "has two "
     "incoming edges (expected one)"},
    {"Cycle", edit(kConstEdge, R"(<edge from-layer="2" from-port="2" to-layer="2" to-port="1" />)"),
     "tiny.xml: the graph has a cycle through Add 'sum'"},
    {"EmptyTensorName", edit(R"(names="sum,sum:0")", R"(names="sum,,sum:0")"),
     "layer id=2 name='sum' type=Add: port 2: names 'sum,,sum:0' has an empty name"},
    {"ResultWithTwoInputs",
     edit(
         R"(<port id="0" precision="FP32"><dim>1</dim>    <dim>4</dim></port>)",
         R"(<port id="0" precision="FP32"><dim>1</dim>    <dim>4</dim></port><port id="1" precision="FP32" />)"),
     "layer id=3 name='sum/sink_port_0' type=Result: expected 1 input and 0 outputs, found 2 inputs and 0 "
     "outputs"},
    {"ParameterWithInput",
     edit(R"(<data shape="1,4" element_type="f32" />)",
          R"(<data shape="1,4" element_type="f32" /><input><port id="5" /></input>)"),
     "layer id=0 name='input' type=Parameter: expected 0 inputs and 1 output, found 1 inputs and 1 outputs"},
};

class IrMalformedCase : public ::testing::TestWithParam<Case> {};

TEST_P(IrMalformedCase, FailsWithExactError) {
  const Case& c = GetParam();
  std::string xml = c.edit(kValidXml);
  try {
    read_tiny(xml);
    FAIL() << c.name << ": read succeeded, expected an error containing: " << c.expected;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(c.expected), std::string::npos)
        << c.name << "\n  expected: " << c.expected << "\n  found:    " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(IrMalformed, IrMalformedCase, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(info.param.name);
                         });

TEST(IrMalformed, MissingBinFile) {
  testing::TempDir dir;
  testing::write_file(dir / "tiny.xml", kValidXml);
  try {
    read_ir(dir / "tiny.xml", {}, test_registry());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string expected = (dir / "tiny.xml").string() +
                           ": layer id=1 name='bias' type=Const: needs weights but " + "the weights file " +
                           (dir / "tiny.bin").string() + " does not exist";
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

TEST(IrMalformed, NoWeightsInMemory) {
  try {
    read_ir_from_memory(kValidXml, nullptr, nullptr, 0, "tiny.xml", test_registry());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "layer id=1 name='bias' type=Const: needs weights but no weights were given"),
              std::string::npos)
        << e.what();
  }
}

TEST(IrMalformed, MissingXmlFile) {
  testing::TempDir dir;
  try {
    read_ir(dir / "absent.xml", {}, test_registry());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "absent.xml").string() + ": cannot open for reading"),
              std::string::npos)
        << e.what();
  }
}

TEST(IrMalformed, ModelWithoutConstNeedsNoBin) {
  // The Const feeds nothing else, so replace it with a second Parameter.
  std::string xml = replace_once(kValidXml, R"(<data element_type="f32" shape="1,1" offset="0" size="4" />)",
                                 R"(<data element_type="f32" shape="1,1" />)");
  xml = replace_once(xml, R"(name="bias" type="Const")", R"(name="bias" type="Parameter")");
  testing::TempDir dir;
  testing::write_file(dir / "tiny.xml", xml);
  auto g = read_ir(dir / "tiny.xml", {}, test_registry());
  ASSERT_EQ(g->parameters().size(), 2u);
  EXPECT_EQ(g->parameters()[1]->name, "bias");
}

TEST(IrMalformed, PackedAndNarrowConstSizes) {
  struct Packed {
    const char* type;
    const char* precision;
    const char* dims;  // shape "1,N"
    int size;
  };
  // u1/i4/u4 are packed and rounded up to whole bytes; boolean takes one byte per element.
  const Packed cases[] = {{"u1", "U1", "10", 2},    {"u1", "U1", "8", 1},        {"i4", "I4", "3", 2},
                          {"u4", "U4", "1", 1},     {"boolean", "BOOL", "4", 4}, {"f16", "FP16", "2", 4},
                          {"bf16", "BF16", "2", 4}, {"i8", "I8", "4", 4},        {"u8", "U8", "0", 0}};
  for (const Packed& c : cases) {
    SCOPED_TRACE(c.type);
    std::string xml =
        replace_once(kValidXml, R"(<data element_type="f32" shape="1,1" offset="0" size="4" />)",
                     std::string("<data element_type=\"") + c.type + "\" shape=\"1," + c.dims +
                         "\" offset=\"0\" size=\"" + std::to_string(c.size) + "\" />");
    xml = replace_once(xml, R"(<port id="0" precision="FP32"><dim>1</dim> <dim>1</dim>)",
                       std::string("<port id=\"0\" precision=\"") + c.precision + "\"><dim>1</dim> <dim>" +
                           c.dims + "</dim>");
    auto g = read_tiny(xml);
    const graph::Node* bias = g->results()[0]->inputs[0].node->inputs[1].node;
    EXPECT_EQ(bias->value.byte_size(), static_cast<size_t>(c.size));
    EXPECT_EQ(to_string(bias->value.element_type()), c.type);
    std::string wrong = replace_once(xml, "size=\"" + std::to_string(c.size) + "\"",
                                     "size=\"" + std::to_string(c.size + 1) + "\"");
    EXPECT_THROW(read_tiny(wrong), Error);
  }
}

TEST(IrMalformed, NamesWithEscapedCommas) {
  std::string xml = replace_once(kValidXml, R"(names="sum,sum:0")", R"(names="a\,b, c ,d\\e")");
  auto g = read_tiny(xml);
  EXPECT_EQ(g->results()[0]->inputs[0].node->outputs[0].names,
            (std::vector<std::string>{"a,b", "c", "d\\\\e"}));
}

TEST(IrMalformed, DynamicDimsAndXmlEntities) {
  std::string xml =
      replace_once(kValidXml, R"(names="sum,sum:0"><dim>1</dim>)", R"(names="sum&amp;co"><dim>-1</dim>)");
  auto g = read_tiny(xml);
  const graph::OutputPort& out = g->results()[0]->inputs[0].node->outputs[0];
  EXPECT_EQ(out.shape, PartialShape({-1, 4}));
  EXPECT_EQ(out.names, (std::vector<std::string>{"sum&co"}));
}

}  // namespace
}  // namespace sparrow::ir
