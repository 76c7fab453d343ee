// The tokenizer's parsed state, shared by the readers (reader.cc) and the encoder (tokenizer.cc).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sparrow/tokenizer.h"

namespace sparrow {

namespace tokenizer {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using TokenMap = std::unordered_map<std::string, int64_t, StringHash, std::equal_to<>>;

// tokenizers' BertNormalizer; strip_accents already resolved (null follows lowercase).
struct BertNormalizer {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;
  bool lowercase = true;
};

// An entry of tokenizer.json "added_tokens". Special tokens and those with normalized=false are matched
// in the raw text; the others in the normalized text.
struct AddedToken {
  std::string content;
  int64_t id = 0;
  bool special = false;
  bool normalized = false;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
};

struct WordPiece {
  TokenMap vocab;         // every vocabulary entry
  TokenMap continuation;  // entries that start with the prefix, keyed without it
  std::vector<std::string> id_to_token;
  std::string unk_token = "[UNK]";
  int64_t unk_id = 0;
  std::string prefix = "##";
  size_t max_input_chars_per_word = 100;
};

// One element of a TemplateProcessing template: a sequence (A = 0, B = 1) or a special token's ids.
struct TemplatePiece {
  int sequence = -1;  // -1 for a special token
  std::vector<int64_t> ids;
  std::vector<std::string> tokens;
  int64_t type_id = 0;
};

enum class TruncationStrategy { kLongestFirst, kOnlyFirst, kOnlySecond };

}  // namespace tokenizer

struct Tokenizer::Impl {
  std::optional<tokenizer::BertNormalizer> normalizer;  // none: text goes to the pre-tokenizer unchanged
  bool bert_pre_tokenizer = true;                       // false: each section is one word
  tokenizer::WordPiece model;
  std::vector<tokenizer::AddedToken> added_tokens;
  // Post-processor; empty templates (no post_processor) add nothing.
  std::vector<tokenizer::TemplatePiece> single, pair;
  bool zero_type_ids_without_specials = false;  // BertProcessing: type ids stay 0 when specials are off

  tokenizer::TruncationStrategy truncation_strategy = tokenizer::TruncationStrategy::kLongestFirst;
  bool truncate_left = false;
  std::optional<size_t> truncation_max_length;  // tokenizer.json "truncation" (null: none)
  bool pad_left = false;
  int64_t pad_id = 0;
  int64_t pad_type_id = 0;
  std::string pad_token = "[PAD]";
  std::optional<size_t> padding_fixed_length;  // tokenizer.json "padding": {"strategy": {"Fixed": n}}
  size_t pad_to_multiple_of = 0;
  size_t model_max_length = 512;

  // Built by finish(): added tokens by id, and the matchers' first bytes.
  std::unordered_map<int64_t, const tokenizer::AddedToken*> added_by_id;
  std::vector<const tokenizer::AddedToken*> raw_matchers, normalized_matchers;  // longest first
  std::vector<std::u32string> normalized_contents;  // parallel to normalized_matchers

  // Validates cross-references and builds the derived tables; every reader calls it last.
  void finish(std::string_view source);
  size_t n_special_tokens(bool is_pair) const;
  // Added-token split, normalization, pre-tokenization and WordPiece of one text (no special tokens).
  // `what` names the text in UTF-8 errors.
  void tokenize(std::string_view text, std::string_view what, std::vector<int64_t>& ids,
                std::vector<std::string>* tokens) const;
};

}  // namespace sparrow
