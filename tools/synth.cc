// sparrow synth: writes the built-in default model (a seeded BertForSequenceClassification, int8, 80% sparse
// encoder weights) with its config.json and the bert-base-uncased tokenizer files. No network, no Python.
#include "frontends/synth/synth.h"

#include <cstdio>

#include "commands.h"

namespace sparrow::tools {
namespace {

struct SynthCliOptions {
  synth::SynthOptions synth;
  std::string output;
};

void run_synth(SynthCliOptions& opt) {
  opt.synth.progress = [](const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  };
  synth::SynthSummary s = synth::write_model_folder(opt.synth, opt.output);
  std::printf("wrote %s: %s %s, %lld layers, %.1f MB, encoder Linear sparsity %.2f%%, %.1f s\n",
              s.dir.string().c_str(), s.preset.c_str(), s.precision.c_str(), static_cast<long long>(s.layers),
              s.bytes / 1e6, 100.0 * s.encoder_sparsity, s.seconds);
}

}  // namespace

void add_synth_command(CLI::App& app) {
  auto opt = std::make_shared<SynthCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "synth", "Write the built-in default model: a seeded BERT classifier (int8, sparse) as OpenVINO IR");
  cmd->add_option("-o,--output", opt->output, "output folder (replaced if synth wrote it before)")
      ->required();
  cmd->add_option("--preset", opt->synth.preset, "model shape: tiny or bert-base")
      ->capture_default_str()
      ->check(CLI::IsMember({"tiny", "bert-base"}));
  cmd->add_option("--layers", opt->synth.layers, "number of encoder layers (default: the preset's)");
  cmd->add_option("--sparsity", opt->synth.sparsity,
                  "zero fraction of every encoder Linear weight, in [0, 1)")
      ->capture_default_str();
  cmd->add_option("--sparsity-pattern", opt->synth.sparsity_pattern,
                  "which weights --sparsity zeroes: unstructured (single weights, smallest magnitude first) or "
                  "block4 (blocks of 4 consecutive input channels, smallest L2 norm first: the pattern that "
                  "VNNI group-skipping kernels turn into speed)")
      ->capture_default_str()
      ->check(CLI::IsMember({"unstructured", "block4"}));
  cmd->add_option("--seed", opt->synth.seed, "seed of the weights and of calibration")->capture_default_str();
  cmd->add_flag("--fp32", opt->synth.fp32, "write the float model (no quantizers; weights still sparse)");
  cmd->callback([opt] { run_synth(*opt); });
}

}  // namespace sparrow::tools
