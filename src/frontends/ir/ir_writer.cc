#include "frontends/ir/ir_writer.h"

#include <cstring>
#include <fstream>
#include <functional>
#include <pugixml.hpp>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "graph/op_registry.h"
#include "sparrow/error.h"

namespace sparrow::ir {
namespace {

// OpenVINO's port precision names.
std::string_view precision_name(ElementType type) {
  switch (type) {
    case ElementType::boolean:
      return "BOOL";
    case ElementType::bf16:
      return "BF16";
    case ElementType::f16:
      return "FP16";
    case ElementType::f32:
      return "FP32";
    case ElementType::f64:
      return "FP64";
    case ElementType::i4:
      return "I4";
    case ElementType::i8:
      return "I8";
    case ElementType::i16:
      return "I16";
    case ElementType::i32:
      return "I32";
    case ElementType::i64:
      return "I64";
    case ElementType::u1:
      return "U1";
    case ElementType::u4:
      return "U4";
    case ElementType::u8:
      return "U8";
    case ElementType::u16:
      return "U16";
    case ElementType::u32:
      return "U32";
    case ElementType::u64:
      return "U64";
    case ElementType::undefined:
      break;
  }
  return "UNSPECIFIED";
}

// The data "shape" attribute as OpenVINO writes it: "1,64", "?,?", "" for a scalar, "..." for a dynamic rank.
std::string shape_attr(const PartialShape& shape) {
  if (shape.rank_is_dynamic()) return "...";
  std::string s;
  for (size_t i = 0; i < shape.rank(); ++i) {
    if (i) s += ",";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s;
}

// Joins tensor names with ',' and escapes a ',' inside a name as "\," (what OpenVINO's reader undoes).
std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) s += ",";
    for (char c : names[i]) {
      if (c == ',') s += '\\';
      s += c;
    }
  }
  return s;
}

// A dynamic-rank port has no <dim> children, exactly as OpenVINO serializes it (it then reads back as a
// scalar declaration; shape inference recomputes it).
void add_port(pugi::xml_node parent, size_t id, const graph::OutputPort& port, bool with_names) {
  pugi::xml_node p = parent.append_child("port");
  p.append_attribute("id") = static_cast<unsigned long long>(id);
  p.append_attribute("precision") = std::string(precision_name(port.type)).c_str();
  if (with_names && !port.names.empty()) p.append_attribute("names") = join_names(port.names).c_str();
  if (port.shape.rank_is_dynamic()) return;
  for (int64_t d : port.shape.dims())
    p.append_child("dim").text().set(std::to_string(d < 0 ? -1 : d).c_str());
}

// Layers in an order OpenVINO's reader keeps: parameters first in the graph's order, then every result after
// its producers in the graph's result order, then whatever no result needs. The reader orders parameters and
// results by their position in the xml, so the graph's order survives a round trip.
std::vector<const graph::Node*> layer_order(const graph::Graph& g) {
  g.topological_order();  // throws naming a node on a cycle or an unconnected input
  std::vector<const graph::Node*> order;
  std::unordered_set<const graph::Node*> done;
  auto visit = [&](const graph::Node* root) {
    if (done.count(root)) return;
    std::vector<std::pair<const graph::Node*, size_t>> stack{{root, 0}};
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs.size()) {
        const graph::Node* producer = node->inputs[next++].node;
        if (!done.count(producer)) stack.emplace_back(producer, 0);
      } else {
        if (done.insert(node).second) order.push_back(node);
        stack.pop_back();
      }
    }
  };
  for (const graph::Node* p : g.parameters()) visit(p);
  for (const auto& n : g.nodes())
    if (n->type == "Parameter") visit(n.get());
  for (const graph::Node* r : g.results()) visit(r);
  for (const auto& n : g.nodes()) visit(n.get());
  return order;
}

struct ByteRange {
  const uint8_t* data;
  size_t size;
};

// Appends Const payloads to the bin, giving identical payloads one region.
class ConstantWriter {
 public:
  explicit ConstantWriter(std::ofstream& out) : out_(out) {}

  uint64_t write(const uint8_t* data, size_t size) {
    size_t hash = std::hash<std::string_view>()(std::string_view(reinterpret_cast<const char*>(data), size));
    auto [first, last] = regions_.equal_range(hash);
    for (auto it = first; it != last; ++it) {
      const ByteRange& r = it->second.second;
      if (r.size == size && (size == 0 || std::memcmp(r.data, data, size) == 0)) return it->second.first;
    }
    uint64_t offset = offset_;
    if (size) out_.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    offset_ += size;
    regions_.emplace(hash, std::make_pair(offset, ByteRange{data, size}));
    return offset;
  }

 private:
  std::ofstream& out_;
  uint64_t offset_ = 0;
  std::unordered_multimap<size_t, std::pair<uint64_t, ByteRange>> regions_;
};

}  // namespace

void write_ir(const graph::Graph& graph, const std::filesystem::path& xml, const std::filesystem::path& bin) {
  std::filesystem::path bin_path = bin;
  if (bin_path.empty()) bin_path = std::filesystem::path(xml).replace_extension(".bin");
  std::vector<const graph::Node*> order = layer_order(graph);

  // Written beside the target and renamed over it: the graph's Consts may view a mapping of the very file
  // being replaced, and truncating a mapped file would fault their readers.
  std::filesystem::path bin_tmp = bin_path;
  bin_tmp += ".tmp";
  std::filesystem::path xml_tmp = xml;
  xml_tmp += ".tmp";
  try {
    std::ofstream bin_out(bin_tmp, std::ios::binary | std::ios::trunc);
    SPARROW_CHECK(bin_out.is_open(), bin_tmp.string(), ": cannot open for writing");
    ConstantWriter constants(bin_out);

    pugi::xml_document doc;
    pugi::xml_node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    pugi::xml_node net = doc.append_child("net");
    net.append_attribute("name") = graph.name.c_str();
    net.append_attribute("version") = "11";
    pugi::xml_node layers = net.append_child("layers");

    std::unordered_map<const graph::Node*, size_t> ids;
    for (const graph::Node* n : order) ids.emplace(n, ids.size());

    for (const graph::Node* n : order) {
      pugi::xml_node layer = layers.append_child("layer");
      layer.append_attribute("id") = static_cast<unsigned long long>(ids.at(n));
      layer.append_attribute("name") = n->name.c_str();
      layer.append_attribute("type") = n->type.c_str();
      const graph::OpDef* def = graph::OpRegistry::instance().find(n->type);
      layer.append_attribute("version") =
          def && def->internal ? "sparrow" : ("opset" + std::to_string(n->version)).c_str();

      std::vector<std::pair<std::string, std::string>> data;
      if (n->type == "Const") {
        const Tensor& v = n->value;
        SPARROW_CHECK(n->outputs.size() == 1, n->describe(), ": a Const has ", n->outputs.size(),
                      " outputs, expected 1");
        SPARROW_CHECK(
            v.element_type() != ElementType::undefined && (v.data() != nullptr || v.byte_size() == 0),
            n->describe(), ": the Const has no value");
        uint64_t offset = constants.write(static_cast<const uint8_t*>(v.data()), v.byte_size());
        data = {{"element_type", std::string(to_string(v.element_type()))},
                {"shape", shape_attr(PartialShape(v.shape()))},
                {"offset", std::to_string(offset)},
                {"size", std::to_string(v.byte_size())}};
      } else if (n->type == "Parameter") {
        SPARROW_CHECK(n->outputs.size() == 1, n->describe(), ": a Parameter has ", n->outputs.size(),
                      " outputs, expected 1");
        data = {{"shape", shape_attr(n->outputs[0].shape)},
                {"element_type", std::string(to_string(n->outputs[0].type))}};
      } else {
        for (const auto& [key, value] : n->attrs.all()) data.emplace_back(key, value);
      }
      if (!data.empty()) {
        pugi::xml_node d = layer.append_child("data");
        for (const auto& [key, value] : data) d.append_attribute(key.c_str()) = value.c_str();
      }

      size_t port_id = 0;
      if (!n->inputs.empty()) {
        pugi::xml_node in = layer.append_child("input");
        for (const graph::Edge& e : n->inputs) add_port(in, port_id++, e.node->outputs.at(e.port), false);
      }
      if (!n->outputs.empty()) {
        pugi::xml_node out = layer.append_child("output");
        for (const graph::OutputPort& p : n->outputs) {
          graph::OutputPort port = p;
          if (n->type == "Const") {
            port.type = n->value.element_type();
            port.shape = PartialShape(n->value.shape());
          }
          add_port(out, port_id++, port, true);
        }
      }
    }

    pugi::xml_node edges = net.append_child("edges");
    for (const graph::Node* n : order) {
      for (size_t i = 0; i < n->inputs.size(); ++i) {
        const graph::Edge& e = n->inputs[i];
        pugi::xml_node edge = edges.append_child("edge");
        edge.append_attribute("from-layer") = static_cast<unsigned long long>(ids.at(e.node));
        edge.append_attribute("from-port") = static_cast<unsigned long long>(e.node->inputs.size() + e.port);
        edge.append_attribute("to-layer") = static_cast<unsigned long long>(ids.at(n));
        edge.append_attribute("to-port") = static_cast<unsigned long long>(i);
      }
    }

    bin_out.close();
    SPARROW_CHECK(bin_out.good(), bin_tmp.string(), ": writing failed");
    std::ofstream xml_out(xml_tmp, std::ios::binary | std::ios::trunc);
    SPARROW_CHECK(xml_out.is_open(), xml_tmp.string(), ": cannot open for writing");
    doc.save(xml_out, "\t", pugi::format_default, pugi::encoding_utf8);
    xml_out.close();
    SPARROW_CHECK(xml_out.good(), xml_tmp.string(), ": writing failed");
    std::error_code ec;
    std::filesystem::rename(bin_tmp, bin_path, ec);
    SPARROW_CHECK(!ec, bin_path.string(), ": cannot replace: ", ec.message());
    std::filesystem::rename(xml_tmp, xml, ec);
    SPARROW_CHECK(!ec, xml.string(), ": cannot replace: ", ec.message());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(bin_tmp, ignored);
    std::filesystem::remove(xml_tmp, ignored);
    throw;
  }
}

}  // namespace sparrow::ir
