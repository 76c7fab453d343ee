// sparrow run: one inference on given inputs (.npy files or inline JSON arrays); outputs as .npy and JSON.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "npy.h"
#include "sparrow/core.h"

namespace sparrow::tools {
namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string output_dir;
  size_t max_values = 4096;
};

// Flattens nested JSON arrays into `values`, recording the shape from the first element at each depth.
void flatten(const nlohmann::json& j, size_t depth, Shape& shape, std::vector<double>& values) {
  if (!j.is_array()) {
    SPARROW_CHECK(j.is_number() || j.is_boolean(), "inline input: expected numbers, found ", j.dump());
    SPARROW_CHECK(depth == shape.size(), "inline input: ragged array");
    values.push_back(j.is_boolean() ? double(j.get<bool>()) : j.get<double>());
    return;
  }
  if (depth == shape.size()) shape.push_back(static_cast<int64_t>(j.size()));
  SPARROW_CHECK(shape[depth] == static_cast<int64_t>(j.size()), "inline input: ragged array");
  for (const auto& item : j) flatten(item, depth + 1, shape, values);
}

template <typename T>
void fill(Tensor& t, const std::vector<double>& values) {
  for (size_t i = 0; i < values.size(); ++i) t.data<T>()[i] = static_cast<T>(values[i]);
}

Tensor parse_inline(const std::string& text, ElementType type) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  SPARROW_CHECK(!j.is_discarded(), "inline input '", text, "' is neither a .npy path nor a JSON array");
  Shape shape;
  std::vector<double> values;
  flatten(j, 0, shape, values);
  Tensor t(type, shape);
  switch (type) {
    case ElementType::f32: fill<float>(t, values); break;
    case ElementType::i64: fill<int64_t>(t, values); break;
    case ElementType::i32: fill<int32_t>(t, values); break;
    case ElementType::u8: fill<uint8_t>(t, values); break;
    case ElementType::i8: fill<int8_t>(t, values); break;
    case ElementType::boolean: fill<uint8_t>(t, values); break;
    default: fail("inline input of element type ", to_string(type), " is not supported; use a .npy file");
  }
  return t;
}

nlohmann::json values_json(const Tensor& t, size_t max_values) {
  nlohmann::json out = nlohmann::json::array();
  size_t n = std::min(t.size(), max_values);
  for (size_t i = 0; i < n; ++i) {
    switch (t.element_type()) {
      case ElementType::f32: out.push_back(t.data<float>()[i]); break;
      case ElementType::i64: out.push_back(t.data<int64_t>()[i]); break;
      case ElementType::i32: out.push_back(t.data<int32_t>()[i]); break;
      case ElementType::u8:
      case ElementType::boolean: out.push_back(t.data<uint8_t>()[i]); break;
      case ElementType::i8: out.push_back(t.data<int8_t>()[i]); break;
      default: return "(values of this element type are only written to .npy)";
    }
  }
  return out;
}

void run_model(const RunOptions& opt) {
  Core core;
  std::shared_ptr<Model> model = core.read_model(resolve_model(opt.model));
  CompiledModel compiled = core.compile_model(model, "CPU");
  InferRequest request = compiled.create_infer_request();
  for (const std::string& spec : opt.inputs) {
    size_t eq = spec.find('=');
    SPARROW_CHECK(eq != std::string::npos && eq > 0, "--input '", spec, "': expected NAME=FILE.npy or NAME=[...]");
    std::string name = spec.substr(0, eq), value = spec.substr(eq + 1);
    const Port& port = model->input(name);
    Tensor t = value.ends_with(".npy") ? read_npy(value) : parse_inline(value, port.element_type);
    request.set_tensor(name, t);
  }
  auto start = std::chrono::steady_clock::now();
  request.infer();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  nlohmann::json j;
  j["latency_ms"] = ms;
  for (const Port& p : compiled.outputs()) {
    Tensor t = request.get_output_tensor(p.index);
    nlohmann::json o{{"name", p.name},
                     {"type", std::string(to_string(t.element_type()))},
                     {"shape", t.shape()},
                     {"values", values_json(t, opt.max_values)}};
    if (t.size() > opt.max_values) o["truncated"] = true;
    if (!opt.output_dir.empty()) {
      std::filesystem::create_directories(opt.output_dir);
      std::string file = p.name;
      for (char& c : file)
        if (c == '/' || c == '\\' || c == ':') c = '_';
      auto path = std::filesystem::path(opt.output_dir) / (file + ".npy");
      write_npy(path, t);
      o["npy"] = path.string();
    }
    j["outputs"].push_back(o);
  }
  std::printf("%s\n", j.dump(2).c_str());
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto opt = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Run one inference and print the outputs as JSON");
  cmd->add_option("-m,--model", opt->model, "model folder or OpenVINO IR .xml")->required();
  cmd->add_option("-i,--input", opt->inputs, "NAME=FILE.npy or NAME=[[1,2,3]] (repeatable)");
  cmd->add_option("-o,--output-dir", opt->output_dir, "also write each output as <name>.npy here");
  cmd->add_option("--max-values", opt->max_values, "print at most this many values per output")
      ->capture_default_str();
  cmd->callback([opt] { run_model(*opt); });
}

}  // namespace sparrow::tools
