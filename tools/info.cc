// sparrow info: what a model takes and gives, which ops it uses, and how sparse its linear layers are.
#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "sparrow/core.h"

namespace sparrow::tools {
namespace {

struct InfoOptions {
  std::string model;
  bool json = false;
  std::string sparse_rate = "1";  // CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE for the compile that picks kernels
};

nlohmann::json port_json(const Port& p) {
  return {{"name", p.name}, {"names", p.names}, {"type", std::string(to_string(p.element_type))},
          {"shape", p.shape.to_string()}};
}

void run_info(const InfoOptions& opt) {
  std::filesystem::path xml = resolve_model(opt.model);
  Core core;
  std::shared_ptr<Model> model = core.read_model(xml);
  std::vector<LayerInfo> layers = model->layers();
  // What compilation makes of it: the kernel each linear layer runs on (a fused layer keeps its MatMul's name).
  CompiledModel compiled =
      core.compile_model(model, "CPU", {{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", opt.sparse_rate}});
  std::map<std::string, std::string> kernel_of;
  std::map<std::string, const LayerInfo*> packed_of;  // the compiled layer that packed a linear layer's weights
  std::map<std::string, int> kernels;
  const std::vector<LayerInfo> compiled_layers = compiled.layers();
  size_t sparse_layers = 0, packed_layers = 0, packed_bytes = 0;
  for (const LayerInfo& l : compiled_layers) {
    if (l.type == "Parameter" || l.type == "Const" || l.type == "Result") continue;
    kernel_of[l.name] = l.exec_type;
    if (!l.weight_format.empty()) {
      packed_of[l.name] = &l;
      ++packed_layers;
      packed_bytes += l.packed_bytes;
      if (l.weight_format != "dense") ++sparse_layers;
    }
    ++kernels[l.exec_type + " (" + l.type + ")"];
  }
  auto kernel_for = [&](const std::string& name) {
    auto it = kernel_of.find(name);
    return it == kernel_of.end() ? std::string("ref") : it->second;
  };

  std::map<std::string, int> histogram;
  nlohmann::json linear = nlohmann::json::array();
  for (const LayerInfo& l : layers) {
    ++histogram[l.type];
    if (!l.weight_shape.empty()) {
      linear.push_back({{"name", l.name},
                        {"weight_shape", l.weight_shape},
                        {"weight_type", std::string(to_string(l.weight_type))},
                        {"zero_fraction", l.weight_zero_fraction},
                        {"weight_bytes", l.weight_bytes},
                        {"kernel", kernel_for(l.name)}});
      if (auto it = packed_of.find(l.name); it != packed_of.end()) {
        linear.back()["zero_4groups"] = it->second->weight_zero_groups;
        linear.back()["format"] = it->second->weight_format;
        linear.back()["packed_bytes"] = it->second->packed_bytes;
      }
    }
  }
  std::error_code ec;
  auto bin = xml;
  bin.replace_extension(".bin");
  uintmax_t bin_bytes = std::filesystem::exists(bin, ec) ? std::filesystem::file_size(bin, ec) : 0;

  nlohmann::json j;
  j["model"] = xml.string();
  j["name"] = model->name();
  for (const Port& p : model->inputs()) j["inputs"].push_back(port_json(p));
  for (const Port& p : model->outputs()) j["outputs"].push_back(port_json(p));
  j["nodes"] = layers.size();
  j["ops"] = histogram;
  j["linear_layers"] = linear;
  j["compiled_kernels"] = kernels;
  j["sparse_weights_decompression_rate"] = opt.sparse_rate;
  j["packed_layers"] = packed_layers;
  j["sparse_layers"] = sparse_layers;
  j["packed_weight_bytes"] = packed_bytes;
  j["weights_file_bytes"] = bin_bytes;
  if (opt.json) {
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  std::printf("Model   %s (%s)\n", model->name().c_str(), xml.string().c_str());
  std::printf("Weights %.2f MB (%s)\n", bin_bytes / 1e6, bin.filename().string().c_str());
  std::printf("\nInputs\n");
  for (const Port& p : model->inputs())
    std::printf("  %-24s %-8s %s\n", p.name.c_str(), std::string(to_string(p.element_type)).c_str(),
                p.shape.to_string().c_str());
  std::printf("Outputs\n");
  for (const Port& p : model->outputs())
    std::printf("  %-24s %-8s %s\n", p.name.c_str(), std::string(to_string(p.element_type)).c_str(),
                p.shape.to_string().c_str());
  std::printf("\nOps (%zu nodes)\n", layers.size());
  for (const auto& [type, count] : histogram) std::printf("  %-24s %d\n", type.c_str(), count);
  if (!linear.empty()) {
    std::printf("\nLinear layers (%zu)\n  %-56s %-14s %-5s %7s %9s %-8s %9s  %s\n", linear.size(), "name",
                "weight", "type", "zeros", "0-groups", "format", "packed", "kernel");
    double zeros = 0, total = 0;
    for (const LayerInfo& l : layers) {
      if (l.weight_shape.empty()) continue;
      // All-zero groups of 4 input channels, format and packed size, for the layers a kernel packed.
      char groups[16] = "-", packed[16] = "-";
      std::string format = "-";
      if (auto it = packed_of.find(l.name); it != packed_of.end()) {
        std::snprintf(groups, sizeof groups, "%.2f%%", 100 * it->second->weight_zero_groups);
        std::snprintf(packed, sizeof packed, "%.2f MB", it->second->packed_bytes / 1e6);
        format = it->second->weight_format;
      }
      std::printf("  %-56s %-14s %-5s %6.2f%% %9s %-8s %9s  %s\n", l.name.c_str(), to_string(l.weight_shape).c_str(),
                  std::string(to_string(l.weight_type)).c_str(), 100 * l.weight_zero_fraction, groups,
                  format.c_str(), packed, kernel_for(l.name).c_str());
      double n = static_cast<double>(shape_size(l.weight_shape));
      zeros += l.weight_zero_fraction * n;
      total += n;
    }
    std::printf("  %-56s %-14s %-5s %6.2f%% %9s %-8s %6.2f MB\n", "all linear weights", "", "",
                total ? 100 * zeros / total : 0.0, "", "", packed_bytes / 1e6);
    std::printf("  %zu of %zu packed layers sparse (CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE %s)\n", sparse_layers,
                packed_layers, opt.sparse_rate.c_str());
  }
  std::printf("\nCompiled nodes by kernel\n");
  int width = 0;
  for (const auto& [kernel, count] : kernels) width = std::max(width, static_cast<int>(kernel.size()));
  for (const auto& [kernel, count] : kernels) std::printf("  %-*s %d\n", width, kernel.c_str(), count);
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto opt = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "Show a model's inputs, outputs, ops, per-layer weight sparsity and the kernels it compiles to");
  cmd->add_option("-m,--model", opt->model, "model folder or OpenVINO IR .xml")->required();
  cmd->add_flag("--json", opt->json, "print JSON instead of a table");
  cmd->add_option("--sparse-rate", opt->sparse_rate,
                  "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE to pick kernels with: a rate in [0, 1] (a layer with at "
                  "least that share of zero weights runs a sparse format; 1 is off) or AUTO (docs/weight_formats.md)")
      ->capture_default_str();
  cmd->callback([opt] { run_info(*opt); });
}

}  // namespace sparrow::tools
