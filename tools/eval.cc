// sparrow eval: accuracy and a confusion matrix of a text classifier on a
// GLUE-format TSV.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "sparrow/pipeline.h"
#include "text_data.h"

namespace sparrow::tools {
namespace {

struct EvalOptions {
  std::string model;
  std::string data;
  size_t batch_size = 8;
  size_t max_length = 0;
  std::string sparse_rate = "AUTO";  // CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE
  bool json = false;
};

// A label cell is a class id (GLUE: 0, 1, ...) or, failing that, a label name
// from id2label.
size_t label_index(const std::string& cell, const std::vector<std::string>& labels,
                   const std::string& where) {
  size_t used = 0;
  long long v = -1;
  try {
    v = std::stoll(cell, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == cell.size() && !cell.empty()) {
    SPARROW_CHECK(v >= 0 && static_cast<size_t>(v) < labels.size(), where, ": label ", cell,
                  " is not a class id of this model (0..", labels.size() - 1, ")");
    return static_cast<size_t>(v);
  }
  auto it = std::find(labels.begin(), labels.end(), cell);
  SPARROW_CHECK(it != labels.end(), where, ": label '", cell,
                "' is neither a class id nor one of the model's labels");
  return static_cast<size_t>(it - labels.begin());
}

void run_eval(const EvalOptions& opt) {
  SPARROW_CHECK(opt.batch_size > 0, "--batch-size must be at least 1");
  TextData data = read_text_file(opt.data);
  SPARROW_CHECK(data.tsv && !data.labels.empty(), opt.data,
                ": expected a GLUE TSV with a header naming `sentence` and "
                "`label` columns");
  TextClassificationPipeline pipeline(resolve_model(opt.model),
                                      {{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", opt.sparse_rate}});
  const std::vector<std::string>& labels = pipeline.labels();
  std::vector<size_t> truth;
  for (size_t i = 0; i < data.texts.size(); ++i)
    truth.push_back(label_index(data.labels[i], labels, opt.data + ":" + std::to_string(data.lines[i])));

  ClassifyOptions options;
  options.batch_size = opt.batch_size;
  options.max_length = opt.max_length;
  Progress progress(data.texts.size());
  options.progress = [&](size_t done, size_t) { progress.update(done); };
  std::vector<std::vector<Classification>> results = pipeline(data.texts, options);
  double seconds = progress.seconds();
  progress.finish();

  const size_t n = labels.size();
  std::vector<std::vector<size_t>> confusion(n, std::vector<size_t>(n, 0));  // [true][predicted]
  size_t correct = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    size_t predicted =
        static_cast<size_t>(std::find(labels.begin(), labels.end(), results[i][0].label) - labels.begin());
    ++confusion[truth[i]][predicted];
    correct += predicted == truth[i];
  }
  const size_t total = results.size();
  const double accuracy = total ? static_cast<double>(correct) / total : 0.0;

  if (opt.json) {
    nlohmann::json j;
    j["data"] = opt.data;
    j["total"] = total;
    j["correct"] = correct;
    j["accuracy"] = accuracy;
    j["labels"] = labels;
    j["confusion"] = confusion;
    for (size_t c = 0; c < n; ++c) {
      size_t count = 0, predicted = 0;
      for (size_t k = 0; k < n; ++k) count += confusion[c][k], predicted += confusion[k][c];
      j["per_class"][labels[c]] = {{"count", count}, {"predicted", predicted}, {"correct", confusion[c][c]}};
    }
    j["seconds"] = seconds;
    j["texts_per_second"] = seconds > 0 ? total / seconds : 0.0;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("accuracy %.2f%% (%zu/%zu)\n\n", 100 * accuracy, correct, total);
    size_t width = 9;
    for (const std::string& l : labels) width = std::max(width, l.size() + 1);
    std::printf("%-*s", static_cast<int>(width), "true\\pred");
    for (const std::string& l : labels) std::printf(" %*s", static_cast<int>(width), l.c_str());
    std::printf(" %*s %*s\n", 8, "count", 8, "recall");
    for (size_t c = 0; c < n; ++c) {
      size_t count = 0;
      std::printf("%-*s", static_cast<int>(width), labels[c].c_str());
      for (size_t k = 0; k < n; ++k) {
        std::printf(" %*zu", static_cast<int>(width), confusion[c][k]);
        count += confusion[c][k];
      }
      std::printf(" %8zu %7.2f%%\n", count, count ? 100.0 * confusion[c][c] / count : 0.0);
    }
  }
  print_throughput(total, seconds, options, pipeline.max_length(options.max_length));
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto opt = std::make_shared<EvalOptions>();
  CLI::App* cmd =
      app.add_subcommand("eval", "Accuracy and confusion matrix of a text classifier on a GLUE TSV");
  cmd->add_option("-m,--model", opt->model, "model folder, OpenVINO IR .xml or hub id")->required();
  cmd->add_option("--data", opt->data,
                  "GLUE-format TSV with `sentence` and `label` columns (e.g. "
                  "SST-2 dev.tsv)")
      ->required();
  cmd->add_option("--batch-size", opt->batch_size, "texts per inference")->capture_default_str();
  cmd->add_option("--max-length", opt->max_length,
                  "truncate texts to this many tokens (0: the model's limit)")
      ->capture_default_str();
  cmd->add_flag("--json", opt->json, "print JSON instead of a table");
  cmd->add_option("--sparse-rate", opt->sparse_rate,
                  "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: AUTO (sparrow picks dense or a sparse weight format per "
                  "layer), a rate in [0, 1] (layers with at least that share of zeros run sparse) or 1 (dense); "
                  "the output is the same bit for bit, only the speed differs")
      ->capture_default_str();
  cmd->callback([opt] { run_eval(*opt); });
}

}  // namespace sparrow::tools
