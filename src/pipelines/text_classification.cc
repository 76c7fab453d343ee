#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>

#include "frontends/hf/model_folder.h"
#include "sparrow/pipeline.h"

namespace sparrow {
namespace {

namespace fs = std::filesystem;

// Sequence lengths are padded up to a multiple of this, so a stream of texts meets few distinct shapes.
constexpr int64_t kLengthBucket = 8;

enum class InputKind { kIds, kMask, kTypes };

struct Input {
  std::string name;  // the name to set the tensor by
  InputKind kind;
  ElementType type;
};

bool has_name(const Port& p, const std::string& name) {
  return std::find(p.names.begin(), p.names.end(), name) != p.names.end() || p.name == name;
}

std::string port_list(const std::vector<Port>& ports) {
  std::string s;
  for (const Port& p : ports) s += (s.empty() ? "'" : ", '") + p.name + "' " + p.shape.to_string();
  return s.empty() ? "none" : s;
}

// config.json problem_type, which ModelConfig does not carry; "" when absent or unreadable (open_model_folder
// has already reported malformed files).
std::string read_problem_type(const fs::path& config_json) {
  std::error_code ec;
  if (!fs::is_regular_file(config_json, ec)) return "";
  std::ifstream f(config_json);
  nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto it = j.find("problem_type");
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

bool are_default_labels(const std::vector<std::string>& labels) {
  return labels == hf::default_labels(labels.size());
}

template <typename T>
void fill_row(T* dst, const std::vector<int64_t>& src, int64_t seq, int64_t pad) {
  for (int64_t s = 0; s < seq; ++s)
    dst[s] = static_cast<T>(s < static_cast<int64_t>(src.size()) ? src[static_cast<size_t>(s)] : pad);
}

// Softmax and sigmoid in double, shifted by the row maximum so that no exp overflows.
std::vector<double> to_scores(ScoreFunction f, const std::vector<double>& logits) {
  std::vector<double> out(logits.size());
  if (f == ScoreFunction::kNone) return logits;
  if (f == ScoreFunction::kSigmoid) {
    for (size_t i = 0; i < logits.size(); ++i) {
      double z = logits[i];
      out[i] = z >= 0 ? 1 / (1 + std::exp(-z)) : std::exp(z) / (1 + std::exp(z));
    }
    return out;
  }
  double m = *std::max_element(logits.begin(), logits.end());
  double sum = 0;
  for (size_t i = 0; i < logits.size(); ++i) sum += out[i] = std::exp(logits[i] - m);
  for (double& v : out) v /= sum;
  return out;
}

}  // namespace

struct TextClassificationPipeline::Impl {
  fs::path xml;
  hf::ModelConfig config;
  std::string problem_type;
  std::optional<Tokenizer> tokenizer;
  CompiledModel compiled;
  InferRequest request;
  std::vector<Input> inputs;
  size_t logits_index = 0;
  std::vector<std::string> labels;
  int64_t static_batch = 0;  // 0: dynamic
  int64_t static_seq = 0;

  void open(const fs::path& model, const AnyMap& properties);
  void check_inputs(const Model& model);
  void check_output(const Model& model);
  size_t limit(size_t requested) const;
  std::vector<std::vector<double>> run(const std::vector<const Encoding*>& rows, int64_t seq);
};

void TextClassificationPipeline::Impl::open(const fs::path& model, const AnyMap& properties) {
  std::error_code ec;
  fs::path dir = model;
  if (fs::is_regular_file(model, ec)) {
    SPARROW_CHECK(model.extension() == ".xml", model.string(),
                  ": expected a model folder or an OpenVINO IR .xml");
    dir = model.parent_path().empty() ? fs::path(".") : model.parent_path();
    xml = model;
    if (fs::exists(dir / "config.json", ec)) config = hf::read_model_config(dir / "config.json");
  } else {
    SPARROW_CHECK(fs::is_directory(model, ec), model.string(), ": no such model folder");
    hf::ModelFolder folder = hf::open_model_folder(model);
    xml = folder.xml;
    config = folder.config;
  }
  problem_type = read_problem_type(dir / "config.json");
  tokenizer = Tokenizer::from_folder(dir);

  Core core;
  std::shared_ptr<Model> m = core.read_model(xml);
  check_inputs(*m);
  check_output(*m);
  compiled = core.compile_model(m, "CPU", properties);
  request = compiled.create_infer_request();
}

void TextClassificationPipeline::Impl::check_inputs(const Model& model) {
  static const std::pair<const char*, InputKind> kKnown[] = {{"input_ids", InputKind::kIds},
                                                             {"attention_mask", InputKind::kMask},
                                                             {"token_type_ids", InputKind::kTypes}};
  bool ids = false;
  for (const Port& p : model.inputs()) {
    const auto* known = std::find_if(std::begin(kKnown), std::end(kKnown),
                                     [&](const auto& k) { return has_name(p, k.first); });
    SPARROW_CHECK(known != std::end(kKnown), xml.string(), ": input '", p.name,
                  "' is not one a text classifier takes (input_ids, attention_mask, token_type_ids)");
    SPARROW_CHECK(p.element_type == ElementType::i64 || p.element_type == ElementType::i32, xml.string(),
                  ": input '", p.name, "' has element type ", to_string(p.element_type),
                  ", expected i64 or i32");
    SPARROW_CHECK(!p.shape.rank_is_dynamic() && p.shape.rank() == 2, xml.string(), ": input '", p.name,
                  "' has shape ", p.shape.to_string(), ", expected [batch, sequence]");
    if (p.shape[0] > 0) static_batch = p.shape[0];
    if (p.shape[1] > 0) static_seq = p.shape[1];
    ids |= known->second == InputKind::kIds;
    inputs.push_back({p.name, known->second, p.element_type});
  }
  SPARROW_CHECK(ids, xml.string(), ": the model has no input_ids input (inputs: ", port_list(model.inputs()),
                ")");
}

void TextClassificationPipeline::Impl::check_output(const Model& model) {
  const std::vector<Port>& outs = model.outputs();
  auto it = std::find_if(outs.begin(), outs.end(), [](const Port& p) { return has_name(p, "logits"); });
  SPARROW_CHECK(it != outs.end(), xml.string(),
                ": the model has no 'logits' output (outputs: ", port_list(outs),
                "); a text classifier's IR names its output logits");
  SPARROW_CHECK(!it->shape.rank_is_dynamic() && it->shape.rank() == 2, xml.string(),
                ": output 'logits' has shape ", it->shape.to_string(), ", expected [batch, labels]");
  SPARROW_CHECK(it->element_type == ElementType::f32, xml.string(), ": output 'logits' has element type ",
                to_string(it->element_type), ", expected f32");
  logits_index = it->index;
  int64_t n = it->shape[1];
  labels = config.id2label;
  if (n > 0 && static_cast<size_t>(n) != labels.size() && (labels.empty() || are_default_labels(labels)))
    labels = hf::default_labels(static_cast<size_t>(n));
  SPARROW_CHECK(!labels.empty(), xml.string(),
                ": the number of labels is unknown: config.json has no id2label and ", "the logits shape ",
                it->shape.to_string(), " does not fix it");
  SPARROW_CHECK(n <= 0 || static_cast<size_t>(n) == labels.size(), xml.string(), ": logits have ", n,
                " labels but config.json id2label has ", labels.size());
}

size_t TextClassificationPipeline::Impl::limit(size_t requested) const {
  size_t n = tokenizer->model_max_length();
  if (requested > 0) n = std::min(n, requested);
  if (config.max_position_embeddings > 0)
    n = std::min(n, static_cast<size_t>(config.max_position_embeddings));
  if (static_seq > 0) n = std::min(n, static_cast<size_t>(static_seq));
  return n;
}

// One inference over `rows` padded to `seq` tokens; returns the logits of each row.
std::vector<std::vector<double>> TextClassificationPipeline::Impl::run(
    const std::vector<const Encoding*>& rows, int64_t seq) {
  const int64_t batch = static_batch > 0 ? static_batch : static_cast<int64_t>(rows.size());
  const int64_t pad = tokenizer->pad_id();
  for (const Input& in : inputs) {
    Tensor t(in.type, {batch, seq});
    for (int64_t b = 0; b < batch; ++b) {
      // A static batch larger than the texts left is filled with copies of the first row.
      const Encoding& e = *rows[b < static_cast<int64_t>(rows.size()) ? static_cast<size_t>(b) : 0];
      const std::vector<int64_t>& src = in.kind == InputKind::kIds    ? e.input_ids
                                        : in.kind == InputKind::kMask ? e.attention_mask
                                                                      : e.token_type_ids;
      int64_t pad_value = in.kind == InputKind::kIds ? pad : 0;
      if (in.type == ElementType::i64) {
        fill_row(t.data<int64_t>() + b * seq, src, seq, pad_value);
      } else {
        fill_row(t.data<int32_t>() + b * seq, src, seq, pad_value);
      }
    }
    request.set_tensor(in.name, t);
  }
  request.infer();
  Tensor out = request.get_output_tensor(logits_index);
  const int64_t n = static_cast<int64_t>(labels.size());
  SPARROW_CHECK(out.element_type() == ElementType::f32 && out.shape() == Shape({batch, n}), xml.string(),
                ": logits came out as ", to_string(out.element_type()), " ", to_string(out.shape()),
                ", expected f32 [", batch, ",", n, "]");
  std::vector<std::vector<double>> logits(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const float* src = out.data<float>() + static_cast<int64_t>(r) * n;
    logits[r].assign(src, src + n);
  }
  return logits;
}

TextClassificationPipeline::TextClassificationPipeline(const std::filesystem::path& model,
                                                       const AnyMap& properties)
    : impl_(std::make_shared<Impl>()) {
  impl_->open(model, properties);
}

const Tokenizer& TextClassificationPipeline::tokenizer() const {
  return *impl_->tokenizer;
}

const std::vector<std::string>& TextClassificationPipeline::labels() const {
  return impl_->labels;
}

size_t TextClassificationPipeline::max_length(size_t options_max_length) const {
  return impl_->limit(options_max_length);
}

EncodeOptions TextClassificationPipeline::encode_options(size_t options_max_length) const {
  EncodeOptions o;
  o.add_special_tokens = true;
  o.truncation = true;
  o.max_length = impl_->limit(options_max_length);
  o.padding = EncodeOptions::Padding::kNone;
  return o;
}

std::vector<std::vector<Classification>> TextClassificationPipeline::operator()(
    const std::vector<std::string>& texts, const ClassifyOptions& options) {
  Impl& im = *impl_;
  std::vector<std::vector<Classification>> results(texts.size());
  if (texts.empty()) return results;
  SPARROW_CHECK(options.batch_size > 0, "text classification: batch_size must be at least 1");

  const EncodeOptions encode = encode_options(options.max_length);
  std::vector<Encoding> encodings(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    try {
      encodings[i] = im.tokenizer->encode(texts[i], std::nullopt, encode);
    } catch (const Error& e) {
      fail("text ", i + 1, ": ", e.what());
    }
  }

  ScoreFunction function = options.function;
  if (function == ScoreFunction::kDefault)
    function = im.labels.size() == 1 || im.problem_type == "multi_label_classification"
                   ? ScoreFunction::kSigmoid
                   : ScoreFunction::kSoftmax;
  const size_t top_k = options.top_k == 0 ? im.labels.size() : std::min(options.top_k, im.labels.size());

  // Texts of similar length share a batch, so little of each batch is padding; results go back in input
  // order.
  std::vector<size_t> order(texts.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return encodings[a].input_ids.size() < encodings[b].input_ids.size();
  });

  const size_t batch = im.static_batch > 0 ? static_cast<size_t>(im.static_batch) : options.batch_size;
  const int64_t cap = static_cast<int64_t>(encode.max_length);
  for (size_t begin = 0; begin < order.size(); begin += batch) {
    size_t end = std::min(order.size(), begin + batch);
    std::vector<const Encoding*> rows;
    int64_t longest = 1;
    for (size_t i = begin; i < end; ++i) {
      rows.push_back(&encodings[order[i]]);
      longest = std::max<int64_t>(longest, static_cast<int64_t>(rows.back()->input_ids.size()));
    }
    int64_t seq = im.static_seq > 0
                      ? im.static_seq
                      : std::min(cap, (longest + kLengthBucket - 1) / kLengthBucket * kLengthBucket);
    seq = std::max(seq, longest);
    std::vector<std::vector<double>> logits = im.run(rows, seq);
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<double> scores = to_scores(function, logits[r]);
      std::vector<size_t> idx(scores.size());
      std::iota(idx.begin(), idx.end(), size_t{0});
      std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
      std::vector<Classification>& out = results[order[begin + r]];
      for (size_t k = 0; k < top_k; ++k) out.push_back({im.labels[idx[k]], scores[idx[k]]});
    }
    if (options.progress) options.progress(end, texts.size());
  }
  return results;
}

}  // namespace sparrow
