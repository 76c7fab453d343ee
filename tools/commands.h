// Subcommands of the `sparrow` tool, one file each.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace sparrow::tools {

void add_info_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);
void add_classify_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_bench_command(CLI::App& app);

// `-m` accepts a model folder (openvino_model.xml inside) or an .xml file; returns the xml path or throws.
std::filesystem::path resolve_model(const std::string& arg);
// The model's folder for `-m` (a folder, an .xml's folder, or a hub id's cached snapshot, downloaded if needed).
std::filesystem::path resolve_model_folder(const std::string& arg);

}  // namespace sparrow::tools
