// sparrow tokenize: what the model sees for a text (or a text pair), as JSON.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "sparrow/error.h"
#include "sparrow/tokenizer.h"

namespace sparrow::tools {
namespace {

struct TokenizeOptions {
  std::string model;
  std::vector<std::string> texts;
  size_t max_length = 0;
  bool no_special_tokens = false;
  bool pad = false;
};

void run_tokenize(const TokenizeOptions& opt) {
  SPARROW_CHECK(opt.texts.size() == 1 || opt.texts.size() == 2,
                "tokenize takes one text or a pair of texts, got ", opt.texts.size());
  Tokenizer tokenizer = Tokenizer::from_folder(resolve_model_folder(opt.model));
  EncodeOptions options;
  options.add_special_tokens = !opt.no_special_tokens;
  options.max_length = opt.max_length;
  if (opt.pad) options.padding = EncodeOptions::Padding::kMaxLength;
  std::optional<std::string_view> pair;
  if (opt.texts.size() == 2) pair = opt.texts[1];
  Encoding e = tokenizer.encode(opt.texts[0], pair, options);
  nlohmann::json j;
  j["input_ids"] = e.input_ids;
  j["attention_mask"] = e.attention_mask;
  j["token_type_ids"] = e.token_type_ids;
  j["tokens"] = e.tokens;
  std::printf("%s\n", j.dump().c_str());
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto opt = std::make_shared<TokenizeOptions>();
  CLI::App* cmd = app.add_subcommand("tokenize",
                                     "Print the input_ids, attention_mask, token_type_ids and tokens "
                                     "that a model gets for a text or a text pair (JSON)");
  cmd->add_option(
         "-m,--model", opt->model,
         "model folder (tokenizer.json, or vocab.txt + tokenizer_config.json), .xml or Hugging Face id")
      ->required();
  cmd->add_option("texts", opt->texts, "the text, and optionally a second text for a pair")->required();
  cmd->add_option(
      "--max-length", opt->max_length,
      "truncate (longest_first for pairs) to this many tokens; 0: the tokenizer's model_max_length");
  cmd->add_flag("--no-special-tokens", opt->no_special_tokens,
                "leave out [CLS]/[SEP] (the template's tokens)");
  cmd->add_flag("--pad", opt->pad, "pad to --max-length (or model_max_length)");
  cmd->callback([opt] { run_tokenize(*opt); });
}

}  // namespace sparrow::tools
