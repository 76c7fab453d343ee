// BERT WordPiece tokenization, exact to Hugging Face tokenizers: reads tokenizer.json (BertNormalizer,
// BertPreTokenizer, WordPiece, TemplateProcessing) or the older vocab.txt + tokenizer_config.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sparrow {

// The model inputs for one text (or text pair).
struct Encoding {
  std::vector<int64_t> input_ids;
  std::vector<int64_t> attention_mask;
  std::vector<int64_t> token_type_ids;
  std::vector<std::string> tokens;  // the vocabulary entry of each id ("[CLS]", "he", "##llo", ...)
};

struct EncodeOptions {
  bool add_special_tokens = true;  // [CLS] ... [SEP] (and ... [SEP] for a pair), as the template says
  // Truncate to max_length (longest_first for pairs); 0 means the tokenizer's model_max_length.
  bool truncation = true;
  size_t max_length = 0;
  enum class Padding { kNone, kLongest, kMaxLength } padding = Padding::kNone;  // kLongest: within a batch
};

class Tokenizer {
 public:
  // From a model folder: tokenizer.json if present, else vocab.txt (+ tokenizer_config.json).
  static Tokenizer from_folder(const std::filesystem::path& dir);
  static Tokenizer from_tokenizer_json(const std::filesystem::path& file);
  static Tokenizer from_vocab(const std::filesystem::path& vocab_txt, bool lowercase = true);

  // Invalid UTF-8 throws sparrow::Error naming the byte offset.
  Encoding encode(std::string_view text, std::optional<std::string_view> pair = std::nullopt,
                  const EncodeOptions& options = {}) const;
  // Pads every encoding to the same length when options.padding is kLongest or kMaxLength.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, const EncodeOptions& options = {}) const;

  size_t vocab_size() const;
  std::optional<int64_t> token_to_id(std::string_view token) const;
  std::string id_to_token(int64_t id) const;  // throws for ids outside the vocabulary
  size_t model_max_length() const;            // from tokenizer_config.json / tokenizer.json truncation; 512 if unset
  int64_t pad_id() const;

  struct Impl;
  explicit Tokenizer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const Impl> impl_;
};

}  // namespace sparrow
