#include "frontends/synth/synth.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "frontends/ir/ir_writer.h"
#include "frontends/synth/bert_graph.h"
#include "frontends/synth/calibrate.h"
#include "sparrow/error.h"

#ifndef SPARROW_DATA_DIR
#define SPARROW_DATA_DIR ""
#endif

namespace sparrow::synth {
namespace fs = std::filesystem;

namespace {

constexpr const char* kVocabSubdir = "vocab/bert-base-uncased";

bool has_vocab(const fs::path& dir) {
  std::error_code ec;
  return !dir.empty() && fs::is_regular_file(dir / kVocabSubdir / "vocab.txt", ec);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  SPARROW_CHECK(in.is_open(), path.string(), ": cannot open for reading");
  std::ostringstream s;
  s << in.rdbuf();
  SPARROW_CHECK(!in.bad(), path.string(), ": read failed");
  return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  SPARROW_CHECK(out.is_open(), path.string(), ": cannot open for writing");
  out << text;
  out.close();
  SPARROW_CHECK(out.good(), path.string(), ": write failed");
}

// A folder that may be replaced: missing, empty, or one that synth wrote (config.json has "sparrow_synth").
void check_replaceable(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  SPARROW_CHECK(fs::is_directory(dir, ec), dir.string(), " exists and is not a folder");
  if (fs::is_empty(dir, ec)) return;
  bool ours = false;
  try {
    nlohmann::json j = nlohmann::json::parse(read_file(dir / "config.json"));
    ours = j.contains("sparrow_synth");
  } catch (const std::exception&) {
  }
  SPARROW_CHECK(ours, dir.string(),
                " exists and is not a folder written by `sparrow synth`; choose another -o or remove it");
}

nlohmann::json hf_config(const BertConfig& c, const SynthOptions& o, const CalibrationPlan& plan) {
  nlohmann::json j;
  j["architectures"] = {"BertForSequenceClassification"};
  j["attention_probs_dropout_prob"] = 0.1;
  j["classifier_dropout"] = nullptr;
  j["hidden_act"] = "gelu";
  j["hidden_dropout_prob"] = 0.1;
  j["hidden_size"] = c.hidden;
  j["id2label"] = {{"0", "negative"}, {"1", "positive"}};
  j["initializer_range"] = 0.02;
  j["intermediate_size"] = c.ffn;
  j["label2id"] = {{"negative", 0}, {"positive", 1}};
  j["layer_norm_eps"] = 1e-12;
  j["max_position_embeddings"] = c.max_positions;
  j["model_type"] = "bert";
  j["num_attention_heads"] = c.heads;
  j["num_hidden_layers"] = c.layers;
  j["pad_token_id"] = 0;
  j["position_embedding_type"] = "absolute";
  j["torch_dtype"] = "float32";
  j["type_vocab_size"] = c.type_vocab;
  j["use_cache"] = true;
  j["vocab_size"] = c.vocab;
  nlohmann::json s;
  s["generator"] = "sparrow synth 0.1.0";
  s["preset"] = c.preset;
  s["seed"] = o.seed;
  s["sparsity"] = o.sparsity;
  s["precision"] = o.fp32 ? "fp32" : "int8";
  s["sparsity_pattern"] = o.sparsity_pattern;
  s["sparse_weights"] =
      "encoder Linear (query, key, value, attention.output.dense, intermediate.dense, output.dense): " +
      std::string(o.sparsity_pattern == "block4" ? "blocks of 4 consecutive input channels, by L2 norm"
                                                 : "unstructured, by magnitude");
  s["calibration"] = {{"batches", plan.batches}, {"batch", plan.batch}, {"seq", plan.seq}};
  j["sparrow_synth"] = s;
  return j;
}

void write_tokenizer_files(const fs::path& data, const fs::path& out, int64_t max_length) {
  const fs::path vocab = data / kVocabSubdir;
  write_file(out / "vocab.txt", read_file(vocab / "vocab.txt"));
  write_file(out / "tokenizer.json", read_file(vocab / "tokenizer.json"));
  nlohmann::json tc = nlohmann::json::parse(read_file(vocab / "tokenizer_config.json"));
  tc["model_max_length"] = max_length;  // the position table's size, as the SST-2 model's folder has it
  write_file(out / "tokenizer_config.json", tc.dump(2) + "\n");
  nlohmann::json special = {{"cls_token", "[CLS]"},
                            {"mask_token", "[MASK]"},
                            {"pad_token", "[PAD]"},
                            {"sep_token", "[SEP]"},
                            {"unk_token", "[UNK]"}};
  write_file(out / "special_tokens_map.json", special.dump(2) + "\n");
}

CalibrationPlan calibration_plan(const BertConfig& c) {
  // The reference ops are plain C++: calibration costs ~2 * tokens * linear weights. Small models afford
  // more and longer batches; BERT-base keeps to 2 batches of 2 x 16.
  CalibrationPlan plan;
  if (c.hidden <= 256) plan = {4, 2, 32};
  return plan;
}

}  // namespace

fs::path find_data_dir() {
  std::vector<std::string> tried;
  if (const char* env = std::getenv("SPARROW_DATA_DIR"); env && *env) {
    SPARROW_CHECK(has_vocab(env), "SPARROW_DATA_DIR=", env, " has no ", kVocabSubdir, "/vocab.txt");
    return env;
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path share = exe.parent_path() / ".." / "share" / "sparrow";
    if (has_vocab(share)) return share.lexically_normal();
    tried.push_back(share.lexically_normal().string());
  }
  fs::path built_in = SPARROW_DATA_DIR;
  if (has_vocab(built_in)) return built_in;
  tried.push_back(built_in.string());
  std::string list;
  for (const std::string& t : tried) list += (list.empty() ? "" : ", ") + t;
  fail("cannot find the bert-base-uncased vocabulary (", kVocabSubdir, "/vocab.txt) in ", list,
       "; set SPARROW_DATA_DIR to the folder that holds vocab/");
}

SynthSummary write_model_folder(const SynthOptions& o, const fs::path& dir_arg) {
  auto start = std::chrono::steady_clock::now();
  auto progress = [&](const std::string& line) {
    if (!o.progress) return;
    double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[%6.1fs] ", t);
    o.progress(stamp + line);
  };

  BertConfig c = preset_config(o.preset);
  if (o.layers != -1) {
    SPARROW_CHECK(o.layers >= 1 && o.layers <= 48, "--layers must be between 1 and 48, got ", o.layers);
    c.layers = o.layers;
  }
  SPARROW_CHECK(std::isfinite(o.sparsity) && o.sparsity >= 0.0 && o.sparsity < 1.0,
                "--sparsity must be in [0, 1), got ", o.sparsity);
  SPARROW_CHECK(o.sparsity_pattern == "unstructured" || o.sparsity_pattern == "block4",
                "--sparsity-pattern must be unstructured or block4, got '", o.sparsity_pattern, "'");
  SPARROW_CHECK(!dir_arg.empty(), "no output folder given");
  const fs::path data = find_data_dir();

  fs::path dir = fs::absolute(dir_arg).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "out/" -> "out"
  check_replaceable(dir);
  fs::path tmp = dir;
  tmp += ".tmp";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  SPARROW_CHECK(!ec && fs::is_directory(tmp), "cannot create ", tmp.string(), ": ",
                ec ? ec.message() : "not a folder");

  try {
    progress("generating " + c.preset + " weights (" + std::to_string(c.layers) + " layers, hidden " +
             std::to_string(c.hidden) + ", seed " + std::to_string(o.seed) + ")");
    BertWeights weights = generate_weights(c, o.seed);

    std::vector<std::string> linear = encoder_linear_weights(c);
    double zeros = 0, total = 0;
    for (const std::string& name : linear) {
      FloatTensor& t = weights.at(name);
      std::vector<float>& w = t.data;
      if (o.sparsity_pattern == "block4") {
        sparsify_blocks_by_magnitude(w, static_cast<size_t>(t.shape[0]), static_cast<size_t>(t.shape[1]), 4,
                                     o.sparsity);
      } else {
        sparsify_by_magnitude(w, o.sparsity);
      }
      total += static_cast<double>(w.size());
      for (float v : w) zeros += v == 0.0f;
    }
    char line[160];
    std::snprintf(line, sizeof line, "sparsified %zu encoder Linear weights: %.4f%% zeros", linear.size(),
                  total ? 100.0 * zeros / total : 0.0);
    progress(line);

    GraphSpec spec;
    spec.name = "sparrow-synth-" + c.preset + (o.fp32 ? "-fp32" : "-int8");
    spec.config = c;
    spec.weights = &weights;
    std::map<std::string, QuantizedWeight> int8;
    std::map<std::string, ActivationRange> ranges;
    CalibrationPlan plan = calibration_plan(c);
    if (!o.fp32) {
      for (const std::string& name : linear) {
        int8[name] = quantize_per_row(weights.at(name));
        weights[name] = dequantize(int8[name]);  // calibrate with the weights the int8 model computes with
      }
      progress("quantized encoder weights to int8 per output channel");
    }
    std::string what = o.fp32 ? "" : std::to_string(quantizer_names(c).size()) + " activation quantizers ";
    std::snprintf(line, sizeof line, "calibrating %s(%d batches of %lldx%lld random tokens on the runtime)",
                  what.c_str(), plan.batches, static_cast<long long>(plan.batch),
                  static_cast<long long>(plan.seq));
    progress(line);
    Calibration cal = calibrate(c, weights, o.seed, plan);
    // Centre the labels: a random model's [CLS] state keeps an input-independent part that would otherwise
    // give every sentence the same label. Subtracting the mean calibration logits from the classifier bias
    // makes both labels about equally likely on random text.
    std::vector<float>& bias = weights.at("classifier.bias").data;
    for (size_t l = 0; l < bias.size() && l < cal.mean_logits.size(); ++l)
      bias[l] = static_cast<float>(bias[l] - cal.mean_logits[l]);
    if (!o.fp32) {
      ranges = cal.ranges;
      spec.int8_weights = &int8;
      spec.activation_ranges = &ranges;
    }
    BertGraph g = build_bert_graph(spec);
    progress("writing " + (tmp / "openvino_model.xml").string() + " (" +
             std::to_string(g.graph->nodes().size()) + " layers)");
    ir::write_ir(*g.graph, tmp / "openvino_model.xml", tmp / "openvino_model.bin");
    write_file(tmp / "config.json", hf_config(c, o, plan).dump(2) + "\n");
    write_tokenizer_files(data, tmp, c.max_positions);

    SynthSummary summary;
    summary.preset = c.preset;
    summary.precision = o.fp32 ? "fp32" : "int8";
    summary.layers = c.layers;
    summary.encoder_sparsity = total ? zeros / total : 0.0;
    for (const auto& entry : fs::directory_iterator(tmp)) summary.bytes += entry.file_size();

    // Replace DIR: move the old one aside, move the new one in, then delete the old one.
    fs::path old = dir;
    old += ".old";
    fs::remove_all(old, ec);
    bool had_old = fs::exists(dir, ec);
    if (had_old) {
      fs::rename(dir, old, ec);
      SPARROW_CHECK(!ec, "cannot move the existing ", dir.string(), " aside: ", ec.message());
    }
    fs::rename(tmp, dir, ec);
    if (ec && had_old) fs::rename(old, dir);
    SPARROW_CHECK(!ec, "cannot rename ", tmp.string(), " to ", dir.string(), ": ", ec.message());
    if (had_old) fs::remove_all(old, ec);

    summary.dir = dir;
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace sparrow::synth
