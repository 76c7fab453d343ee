// The three stages of a BERT tokenizer on one section of text (a span between added tokens): the
// normalizer, the pre-tokenizer and the WordPiece model, each as tokenizers (Rust) defines it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer_impl.h"
#include "tokenizer/unicode.h"

namespace sparrow::tokenizer {

// BertNormalizer: clean_text (drop NUL, U+FFFD and controls; whitespace to ' '), spaces around CJK
// ideographs, NFD + removal of Mn marks, lowercase, in that order. `scratch` is reused storage.
void normalize(const BertNormalizer& config, std::u32string& text, std::u32string& scratch);

// BertPreTokenizer: splits on whitespace (removed) and around each punctuation character (kept as a word).
// Calls on_word(begin, end) for every word, in order.
template <typename F>
void pre_tokenize(std::u32string_view text, bool bert, F&& on_word);

// WordPiece on one word: greedy longest-match-first; a word longer than max_input_chars_per_word or with no
// full segmentation becomes the unknown token. Appends ids (and tokens when `tokens` is not null).
// `scratch` is reused storage for the word's UTF-8 form.
void wordpiece(const WordPiece& model, std::u32string_view word, std::vector<int64_t>& ids,
               std::vector<std::string>* tokens, std::string& scratch);

template <typename F>
void pre_tokenize(std::u32string_view text, bool bert, F&& on_word) {
  if (!bert) {
    if (!text.empty()) on_word(0, text.size());
    return;
  }
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char32_t c = text[i];
    bool space = is_whitespace(c);
    if (!space && !is_punctuation(c)) continue;
    if (i > start) on_word(start, i);
    if (!space) on_word(i, i + 1);
    start = i + 1;
  }
  if (text.size() > start) on_word(start, text.size());
}

}  // namespace sparrow::tokenizer
