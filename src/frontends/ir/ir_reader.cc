#include "frontends/ir/ir_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <pugixml.hpp>
#include <string_view>
#include <utility>

#include "base/mapped_file.h"
#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::ir {
namespace {

// Limits on what a file may declare. No tensor of a BERT-family model comes near them; they exist so that a
// corrupt file is rejected before any size arithmetic can overflow.
constexpr int64_t kMaxDimension = int64_t{1} << 40;
constexpr int64_t kMaxElements = int64_t{1} << 48;
constexpr int kMaxOpset = 16;

struct Weights {
  std::shared_ptr<void> owner;
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool present = false;
  std::string missing_reason;  // why there are no weights, for the error of a Const that needs them
};

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> parse_int(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<uint64_t> parse_uint(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.front() == '-') return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

// Splits a port's "names": commas separate names, "\," is a comma inside a name (OpenVINO's escape).
std::vector<std::string> split_names(std::string_view text, bool& empty_name) {
  std::vector<std::string> names;
  empty_name = false;
  if (trim(text).empty()) return names;
  std::string current;
  auto finish = [&] {
    std::string_view t = trim(current);
    if (t.empty()) empty_name = true;
    names.emplace_back(t);
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') {
      current += ',';
      ++i;
    } else if (text[i] == ',') {
      finish();
    } else {
      current += text[i];
    }
  }
  finish();
  return names;
}

std::string shape_text(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += dims[i] < 0 ? "?" : std::to_string(dims[i]);
  }
  return s + "]";
}

struct PortRef {
  bool is_input = false;
  size_t index = 0;
};

struct Layer {
  size_t xml_index = 0;  // position among <layer> elements, for messages before the id is known
  int64_t id = -1;
  std::string name;
  std::string type;
  std::string version;
  pugi::xml_node xml;
  graph::Node* node = nullptr;
  std::map<int64_t, PortRef> ports;
  std::vector<int64_t> input_port_ids;
  std::vector<int64_t> output_port_ids;
  std::vector<bool> input_connected;
};

class Reader {
 public:
  Reader(std::string source, Weights weights, const graph::OpRegistry& registry)
      : source_(std::move(source)), weights_(std::move(weights)), registry_(registry) {}

  std::unique_ptr<graph::Graph> read(const char* text, size_t size);

 private:
  template <typename... Args>
  [[noreturn]] void file_fail(Args&&... args) const {
    fail(source_, ": ", std::forward<Args>(args)...);
  }
  template <typename... Args>
  [[noreturn]] void layer_fail(const Layer& l, Args&&... args) const {
    if (l.id < 0)
      fail(source_, ": layer #", l.xml_index, " (name='", l.name, "'): ", std::forward<Args>(args)...);
    fail(source_, ": layer id=", l.id, " name='", l.name, "' type=", l.type, ": ",
         std::forward<Args>(args)...);
  }

  std::string required_attr(const Layer& l, pugi::xml_node node, const char* attr) const;
  int64_t parse_net_version(pugi::xml_node net) const;
  void read_layer_header(Layer& l) const;
  void read_ports(graph::Graph& g, Layer& l);
  PartialShape read_dims(const Layer& l, pugi::xml_node port, int64_t port_id) const;
  ElementType read_precision(const Layer& l, pugi::xml_node port, int64_t port_id, bool required) const;
  ElementType read_element_type(const Layer& l) const;
  void read_parameter(Layer& l);
  void read_const(Layer& l);
  void read_edges(pugi::xml_node net, std::vector<Layer>& layers, const std::map<int64_t, size_t>& by_id);
  void add_v10_names(graph::Graph& g) const;

  std::string source_;
  Weights weights_;
  const graph::OpRegistry& registry_;
};

std::string Reader::required_attr(const Layer& l, pugi::xml_node node, const char* attr) const {
  pugi::xml_attribute a = node.attribute(attr);
  if (!a) layer_fail(l, "<", node.name(), "> has no attribute '", attr, "'");
  return a.value();
}

int64_t Reader::parse_net_version(pugi::xml_node net) const {
  pugi::xml_attribute a = net.attribute("version");
  if (!a) file_fail("<net> has no version attribute (expected 10 or 11)");
  std::optional<int64_t> v = parse_int(a.value());
  if (!v || (*v != 10 && *v != 11)) file_fail("unsupported IR version '", a.value(), "' (expected 10 or 11)");
  return *v;
}

void Reader::read_layer_header(Layer& l) const {
  pugi::xml_node x = l.xml;
  l.name = x.attribute("name").value();
  pugi::xml_attribute id = x.attribute("id");
  if (!id) layer_fail(l, "<layer> has no attribute 'id'");
  std::optional<uint64_t> parsed = parse_uint(id.value());
  if (!parsed || *parsed > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    layer_fail(l, "layer id '", id.value(), "' is not a non-negative integer");
  l.id = static_cast<int64_t>(*parsed);
  if (!x.attribute("name")) layer_fail(l, "<layer> has no attribute 'name'");
  l.type = x.attribute("type").value();
  if (l.type.empty()) layer_fail(l, "<layer> has no attribute 'type' (or it is empty)");
  if (!x.attribute("version"))
    layer_fail(l, "<layer> has no attribute 'version' (expected e.g. version=\"opset1\")");
  l.version = x.attribute("version").value();
}

PartialShape Reader::read_dims(const Layer& l, pugi::xml_node port, int64_t port_id) const {
  std::vector<int64_t> dims;
  for (pugi::xml_node d : port.children("dim")) {
    std::string_view text = trim(d.child_value());
    std::optional<int64_t> v = text == "?" ? std::optional<int64_t>(-1) : parse_int(text);
    if (!v) layer_fail(l, "port ", port_id, ": <dim> '", d.child_value(), "' is not an integer");
    if (*v < -1)
      layer_fail(l, "port ", port_id, ": dimension ", *v, " is negative (expected -1 for dynamic or >= 0)");
    if (*v > kMaxDimension)
      layer_fail(l, "port ", port_id, ": dimension ", *v, " is absurdly large (expected at most ",
                 kMaxDimension, ")");
    dims.push_back(*v);
  }
  return PartialShape(std::move(dims));
}

ElementType Reader::read_precision(const Layer& l, pugi::xml_node port, int64_t port_id,
                                   bool required) const {
  pugi::xml_attribute a = port.attribute("precision");
  if (!a) {
    if (required) layer_fail(l, "output port ", port_id, " has no precision attribute");
    return ElementType::undefined;
  }
  std::optional<ElementType> t = parse_element_type(a.value());
  if (!t) layer_fail(l, "port ", port_id, ": unknown precision '", a.value(), "'");
  return *t;
}

void Reader::read_ports(graph::Graph& g, Layer& l) {
  auto add_ports = [&](const char* section, bool is_input) {
    pugi::xml_node sec = l.xml.child(section);
    if (!sec) return;
    for (pugi::xml_node p : sec.children("port")) {
      pugi::xml_attribute a = p.attribute("id");
      if (!a) layer_fail(l, "a port in <", section, "> has no id");
      std::optional<uint64_t> id = parse_uint(a.value());
      if (!id || *id > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        layer_fail(l, "port id '", a.value(), "' is not a non-negative integer");
      auto port_id = static_cast<int64_t>(*id);
      std::vector<int64_t>& ids = is_input ? l.input_port_ids : l.output_port_ids;
      if (!l.ports.emplace(port_id, PortRef{is_input, ids.size()}).second)
        layer_fail(l, "duplicate port id ", port_id,
                   " (input and output port ids of a layer must be distinct)");
      ids.push_back(port_id);
    }
  };
  add_ports("input", true);
  add_ports("output", false);
  l.input_connected.assign(l.input_port_ids.size(), false);

  l.node = g.add_node(l.type, 1, l.name, std::vector<graph::Edge>(l.input_port_ids.size()),
                      l.output_port_ids.size());
  l.node->source_id = l.id;

  // Input ports: only checked for syntax; the producer's output port is what counts.
  size_t k = 0;
  for (pugi::xml_node p : l.xml.child("input").children("port")) {
    read_dims(l, p, l.input_port_ids[k]);
    read_precision(l, p, l.input_port_ids[k], false);
    ++k;
  }
  k = 0;
  for (pugi::xml_node p : l.xml.child("output").children("port")) {
    int64_t port_id = l.output_port_ids[k];
    graph::OutputPort& out = l.node->outputs[k];
    out.type = read_precision(l, p, port_id, true);
    out.shape = read_dims(l, p, port_id);
    bool empty_name = false;
    out.names = split_names(p.attribute("names").value(), empty_name);
    if (empty_name)
      layer_fail(l, "port ", port_id, ": names '", p.attribute("names").value(), "' has an empty name");
    ++k;
  }
}

ElementType Reader::read_element_type(const Layer& l) const {
  std::string text = required_attr(l, l.xml.child("data"), "element_type");
  std::optional<ElementType> t = parse_element_type(text);
  if (!t || *t == ElementType::undefined) layer_fail(l, "unknown element_type '", text, "'");
  const graph::OutputPort& out = l.node->outputs[0];
  if (out.type != *t)
    layer_fail(l, "output port ", l.output_port_ids[0], " precision ", to_string(out.type),
               " does not match element_type ", to_string(*t));
  return *t;
}

void Reader::read_parameter(Layer& l) {
  if (!l.input_port_ids.empty() || l.output_port_ids.size() != 1)
    layer_fail(l, "expected 0 inputs and 1 output, found ", l.input_port_ids.size(), " inputs and ",
               l.output_port_ids.size(), " outputs");
  pugi::xml_node data = l.xml.child("data");
  if (!data) layer_fail(l, "missing <data> (expected element_type and shape)");
  ElementType type = read_element_type(l);
  std::string text = required_attr(l, data, "shape");
  PartialShape shape;
  try {
    shape = PartialShape::parse(text);
  } catch (const Error& e) {
    layer_fail(l, e.what());
  }
  if (!shape.rank_is_dynamic())
    for (int64_t d : shape.dims())
      if (d > kMaxDimension)
        layer_fail(l, "shape '", text, "': dimension ", d, " is absurdly large (expected at most ",
                   kMaxDimension, ")");
  graph::OutputPort& out = l.node->outputs[0];
  if (!out.shape.compatible(shape))
    layer_fail(l, "output port dims ", out.shape.to_string(), " do not match data shape '", text, "'");
  out.type = type;
  out.shape = shape;
}

void Reader::read_const(Layer& l) {
  if (!l.input_port_ids.empty() || l.output_port_ids.size() != 1)
    layer_fail(l, "expected 0 inputs and 1 output, found ", l.input_port_ids.size(), " inputs and ",
               l.output_port_ids.size(), " outputs");
  pugi::xml_node data = l.xml.child("data");
  if (!data) layer_fail(l, "missing <data> (expected element_type, shape, offset and size)");
  ElementType type = read_element_type(l);

  std::string shape_attr = required_attr(l, data, "shape");
  Shape shape;
  std::string_view rest = trim(shape_attr);
  if (!rest.empty() && rest.front() == '[' && rest.back() == ']')
    rest = trim(rest.substr(1, rest.size() - 2));
  int64_t elements = 1;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    std::optional<int64_t> d = parse_int(item);
    if (!d) layer_fail(l, "shape '", shape_attr, "': dimension '", trim(item), "' is not an integer");
    if (*d < 0)
      layer_fail(l, "shape '", shape_attr, "': dimension ", *d, " is negative (a Const shape is static)");
    if (*d > kMaxDimension)
      layer_fail(l, "shape '", shape_attr, "': dimension ", *d, " is absurdly large (expected at most ",
                 kMaxDimension, ")");
    if (*d != 0 && elements > kMaxElements / *d)
      layer_fail(l, "shape '", shape_attr, "' has absurdly many elements (expected at most ", kMaxElements,
                 ")");
    elements *= *d;
    shape.push_back(*d);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
    if (trim(rest).empty()) layer_fail(l, "shape '", shape_attr, "': empty dimension");
  }

  const graph::OutputPort& out = l.node->outputs[0];
  if (out.shape != PartialShape(shape))
    layer_fail(l, "output port dims ", out.shape.to_string(), " do not match data shape ", shape_text(shape));

  std::string offset_attr = required_attr(l, data, "offset");
  std::string size_attr = required_attr(l, data, "size");
  std::optional<uint64_t> offset = parse_uint(offset_attr);
  std::optional<uint64_t> size = parse_uint(size_attr);
  if (!offset) layer_fail(l, "offset '", offset_attr, "' is not a non-negative integer");
  if (!size) layer_fail(l, "size '", size_attr, "' is not a non-negative integer");
  size_t expected = storage_bytes(type, static_cast<size_t>(elements));
  if (*size != expected)
    layer_fail(l, "size ", *size, " does not match shape ", shape_text(shape), " of ", to_string(type),
               " (expected ", expected, " bytes)");
  if (!weights_.present) layer_fail(l, "needs weights but ", weights_.missing_reason);
  if (*offset > std::numeric_limits<uint64_t>::max() - *size)
    layer_fail(l, "offset ", *offset, " + size ", *size, " overflows 64 bits");
  if (*offset + *size > weights_.size)
    layer_fail(l, "offset ", *offset, " + size ", *size, " = ", *offset + *size,
               " is past the end of the weights (", weights_.size, " bytes)");
  // A zero-byte Const in an empty bin has data == nullptr and offset == 0.
  auto* ptr = const_cast<uint8_t*>(weights_.data == nullptr ? nullptr : weights_.data + *offset);
  l.node->value = Tensor(type, std::move(shape), weights_.owner, ptr);
}

void Reader::read_edges(pugi::xml_node net, std::vector<Layer>& layers,
                        const std::map<int64_t, size_t>& by_id) {
  size_t edge_index = 0;
  for (pugi::xml_node e : net.child("edges").children("edge")) {
    int64_t v[4];
    const char* names[4] = {"from-layer", "from-port", "to-layer", "to-port"};
    for (int i = 0; i < 4; ++i) {
      pugi::xml_attribute a = e.attribute(names[i]);
      std::optional<uint64_t> parsed = parse_uint(a.value());
      if (!a || !parsed || *parsed > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        file_fail("edge #", edge_index, ": ", names[i], " '", a.value(), "' is not a non-negative integer");
      v[i] = static_cast<int64_t>(*parsed);
    }
    std::string edge = detail::concat("edge #", edge_index, " (from-layer=", v[0], " from-port=", v[1],
                                      " to-layer=", v[2], " to-port=", v[3], ")");
    auto from_it = by_id.find(v[0]);
    if (from_it == by_id.end()) file_fail(edge, ": from-layer ", v[0], " does not exist");
    auto to_it = by_id.find(v[2]);
    if (to_it == by_id.end()) file_fail(edge, ": to-layer ", v[2], " does not exist");
    Layer& from = layers[from_it->second];
    Layer& to = layers[to_it->second];

    auto fp = from.ports.find(v[1]);
    if (fp == from.ports.end()) layer_fail(from, edge, ": the layer has no port ", v[1]);
    if (fp->second.is_input)
      layer_fail(from, edge, ": port ", v[1],
                 " is an input port (expected an output port to start the edge)");
    auto tp = to.ports.find(v[3]);
    if (tp == to.ports.end()) layer_fail(to, edge, ": the layer has no port ", v[3]);
    if (!tp->second.is_input)
      layer_fail(to, edge, ": port ", v[3], " is an output port (expected an input port to end the edge)");
    size_t in = tp->second.index;
    if (to.input_connected[in])
      layer_fail(to, edge, ": input port ", v[3], " has two incoming edges (expected one)");
    to.input_connected[in] = true;
    to.node->inputs[in] = graph::Edge{from.node, static_cast<int>(fp->second.index)};
    ++edge_index;
  }
  for (const Layer& l : layers)
    for (size_t i = 0; i < l.input_connected.size(); ++i)
      if (!l.input_connected[i]) layer_fail(l, "input port ", l.input_port_ids[i], " has no incoming edge");
}

void Reader::add_v10_names(graph::Graph& g) const {
  auto add = [](std::vector<std::string>& names, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  };
  for (graph::Node* p : g.parameters()) add(p->outputs[0].names, p->name);
  for (graph::Node* r : g.results()) {
    const graph::Edge& e = r->inputs[0];
    std::string name = e.node->name;
    if (e.node->outputs.size() != 1) name += "." + std::to_string(e.port);
    add(e.node->outputs[e.port].names, name);
  }
}

std::unique_ptr<graph::Graph> Reader::read(const char* text, size_t size) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(size ? text : "", size, pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    size_t offset = std::min(static_cast<size_t>(std::max<ptrdiff_t>(parsed.offset, 0)), size);
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    file_fail("xml parse error at line ", line, ", column ", column, ": ", parsed.description());
  }
  pugi::xml_node net = doc.document_element();
  if (std::strcmp(net.name(), "net") != 0) file_fail("expected root element <net>, found <", net.name(), ">");
  int64_t ir_version = parse_net_version(net);
  pugi::xml_node layers_xml = net.child("layers");
  if (!layers_xml) file_fail("<net> has no <layers>");

  auto g = std::make_unique<graph::Graph>();
  g->name = net.attribute("name").value();

  std::vector<Layer> layers;
  std::map<int64_t, size_t> by_id;
  std::vector<graph::Node*> parameters;
  std::vector<graph::Node*> results;
  for (pugi::xml_node x : layers_xml.children("layer")) {
    Layer& l = layers.emplace_back();
    l.xml_index = layers.size() - 1;
    l.xml = x;
    read_layer_header(l);
    if (!by_id.emplace(l.id, layers.size() - 1).second) layer_fail(l, "duplicate layer id ", l.id);

    if (registry_.find(l.type) == nullptr)
      layer_fail(l, "unsupported op type ", l.type, " (version ", l.version, ")");
    std::string_view digits = l.version;
    std::optional<int64_t> opset;
    if (digits.starts_with("opset")) opset = parse_int(digits.substr(5));
    if (!opset || *opset < 1 || *opset > kMaxOpset ||
        digits.substr(5).find_first_not_of("0123456789") != std::string_view::npos)
      layer_fail(l, "unknown op version '", l.version, "' (expected opset1 ... opset", kMaxOpset, ")");
    int version = 1;
    try {
      version = registry_.resolve_version(l.type, l.version);
    } catch (const Error& e) {
      layer_fail(l, e.what());
    }

    read_ports(*g, l);
    l.node->version = version;
    for (pugi::xml_attribute a : x.child("data").attributes()) l.node->attrs.set(a.name(), a.value());

    if (l.type == "Parameter") {
      read_parameter(l);
      parameters.push_back(l.node);
    } else if (l.type == "Const") {
      read_const(l);
    } else if (l.type == "Result") {
      if (l.input_port_ids.size() != 1 || !l.output_port_ids.empty())
        layer_fail(l, "expected 1 input and 0 outputs, found ", l.input_port_ids.size(), " inputs and ",
                   l.output_port_ids.size(), " outputs");
      results.push_back(l.node);
    }
  }

  read_edges(net, layers, by_id);
  g->set_parameters(std::move(parameters));
  g->set_results(std::move(results));
  if (ir_version == 10) add_v10_names(*g);
  try {
    g->topological_order();
  } catch (const Error& e) {
    file_fail(e.what());
  }
  return g;
}

}  // namespace

std::unique_ptr<graph::Graph> read_ir(const std::filesystem::path& xml, const std::filesystem::path& bin,
                                      const graph::OpRegistry& registry) {
  std::filesystem::path bin_path = bin;
  if (bin_path.empty()) bin_path = std::filesystem::path(xml).replace_extension(".bin");
  std::shared_ptr<MappedFile> xml_file = MappedFile::open(xml);
  Weights weights;
  std::error_code ec;
  if (std::filesystem::exists(bin_path, ec)) {
    std::shared_ptr<MappedFile> bin_file = MappedFile::open(bin_path);
    weights.data = bin_file->data();
    weights.size = bin_file->size();
    weights.owner = std::move(bin_file);
    weights.present = true;
  } else {
    weights.missing_reason = "the weights file " + bin_path.string() + " does not exist";
  }
  Reader reader(xml.string(), std::move(weights), registry);
  return reader.read(reinterpret_cast<const char*>(xml_file->data()), xml_file->size());
}

std::unique_ptr<graph::Graph> read_ir(const std::filesystem::path& xml, const std::filesystem::path& bin) {
  return read_ir(xml, bin, graph::OpRegistry::instance());
}

std::unique_ptr<graph::Graph> read_ir_from_memory(const std::string& xml_text,
                                                  std::shared_ptr<void> weights_owner, const uint8_t* weights,
                                                  size_t weights_size, const std::string& source_name,
                                                  const graph::OpRegistry& registry) {
  SPARROW_CHECK(weights != nullptr || weights_size == 0, source_name, ": weights of ", weights_size,
                " bytes given without data");
  Weights w;
  w.owner = std::move(weights_owner);
  w.data = weights;
  w.size = weights_size;
  w.present = weights != nullptr;
  w.missing_reason = "no weights were given";
  Reader reader(source_name, std::move(w), registry);
  return reader.read(xml_text.data(), xml_text.size());
}

std::unique_ptr<graph::Graph> read_ir_from_memory(const std::string& xml_text,
                                                  std::shared_ptr<void> weights_owner, const uint8_t* weights,
                                                  size_t weights_size, const std::string& source_name) {
  return read_ir_from_memory(xml_text, std::move(weights_owner), weights, weights_size, source_name,
                             graph::OpRegistry::instance());
}

}  // namespace sparrow::ir
