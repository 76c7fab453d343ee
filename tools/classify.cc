// sparrow classify: Hugging Face's text-classification pipeline on the command
// line. Texts from the arguments print what json.dumps(pipeline(texts)) prints;
// --file prints one JSON line per text. docs/pipeline.md.
#include <cstdio>

#include "commands.h"
#include "sparrow/pipeline.h"
#include "text_data.h"

namespace sparrow::tools {
namespace {

struct ClassifyCliOptions {
  std::string model;
  std::vector<std::string> texts;
  std::string file;
  std::string top_k;  // empty: HF's default (top label, legacy output shape)
  size_t batch_size = 8;
  size_t max_length = 0;
  std::string sparse_rate = "AUTO";  // CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE
};

// "all" or 0: every label; otherwise a positive count.
size_t parse_top_k(const std::string& s) {
  if (s == "all") return 0;
  size_t used = 0;
  long long v = -1;
  try {
    v = std::stoll(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  SPARROW_CHECK(used == s.size() && v >= 0, "--top-k: expected a count or 'all', found '", s, "'");
  return static_cast<size_t>(v);
}

void run_classify(const ClassifyCliOptions& opt) {
  SPARROW_CHECK(opt.texts.empty() || opt.file.empty(), "give texts or --file, not both");
  SPARROW_CHECK(!opt.texts.empty() || !opt.file.empty(), "nothing to classify: give texts or --file PATH");
  SPARROW_CHECK(opt.batch_size > 0, "--batch-size must be at least 1");
  ClassifyOptions options;
  options.batch_size = opt.batch_size;
  options.max_length = opt.max_length;
  const bool explicit_top_k = !opt.top_k.empty();
  options.top_k = explicit_top_k ? parse_top_k(opt.top_k) : 1;

  TextData data;
  if (!opt.file.empty()) {
    data = read_text_file(opt.file);
  } else {
    data.texts = opt.texts;
  }
  TextClassificationPipeline pipeline(resolve_model(opt.model),
                                      {{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", opt.sparse_rate}});

  Progress progress(data.texts.size());
  if (!opt.file.empty()) options.progress = [&](size_t done, size_t) { progress.update(done); };
  std::vector<std::vector<Classification>> results = pipeline(data.texts, options);
  double seconds = progress.seconds();
  progress.finish();

  if (!opt.file.empty()) {
    // JSON lines: each line is what the pipeline returns for that text alone.
    for (const auto& r : results) std::printf("%s\n", classifications_json(r).c_str());
    print_throughput(data.texts.size(), seconds, options, pipeline.max_length(options.max_length));
    return;
  }
  // HF: a single text gives a list of dicts; several texts give a list with one
  // dict each (the default top_k) or a list of lists (top_k given).
  std::string out;
  if (results.size() == 1) {
    out = classifications_json(results[0]);
  } else {
    out = "[";
    for (size_t i = 0; i < results.size(); ++i) {
      std::string one = classifications_json(results[i]);
      if (!explicit_top_k) one = one.substr(1, one.size() - 2);  // the dict alone
      out += (i ? ", " : "") + one;
    }
    out += "]";
  }
  std::printf("%s\n", out.c_str());
}

}  // namespace

void add_classify_command(CLI::App& app) {
  auto opt = std::make_shared<ClassifyCliOptions>();
  CLI::App* cmd =
      app.add_subcommand("classify", "Classify texts as Hugging Face's text-classification pipeline does");
  cmd->add_option("-m,--model", opt->model, "model folder, OpenVINO IR .xml or hub id")->required();
  cmd->add_option("texts", opt->texts, "texts to classify");
  cmd->add_option("--file", opt->file, "one text per line, or a GLUE TSV with a `sentence` column");
  cmd->add_option("--top-k", opt->top_k, "labels per text, best first (0 or 'all': every label)");
  cmd->add_option("--batch-size", opt->batch_size, "texts per inference")->capture_default_str();
  cmd->add_option("--max-length", opt->max_length,
                  "truncate texts to this many tokens (0: the model's limit)")
      ->capture_default_str();
  cmd->add_option("--sparse-rate", opt->sparse_rate,
                  "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: AUTO (sparrow picks dense or a sparse weight format per "
                  "layer), a rate in [0, 1] (layers with at least that share of zeros run sparse) or 1 (dense); "
                  "the output is the same bit for bit, only the speed differs")
      ->capture_default_str();
  cmd->callback([opt] { run_classify(*opt); });
}

}  // namespace sparrow::tools
