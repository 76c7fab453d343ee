#include "tokenizer/bert.h"

#include "tokenizer/unicode.h"

namespace sparrow::tokenizer {

void normalize(const BertNormalizer& config, std::u32string& text, std::u32string& scratch) {
  if (config.clean_text) {
    size_t w = 0;
    for (char32_t c : text) {
      if (c == 0 || c == 0xFFFD || is_control(c)) continue;
      text[w++] = is_whitespace(c) ? U' ' : c;
    }
    text.resize(w);
  }
  if (config.handle_chinese_chars) {
    scratch.clear();
    for (char32_t c : text) {
      if (is_chinese_char(c)) {
        scratch.push_back(U' ');
        scratch.push_back(c);
        scratch.push_back(U' ');
      } else {
        scratch.push_back(c);
      }
    }
    text.swap(scratch);
  }
  if (config.strip_accents) {
    scratch.clear();
    nfd(text, scratch);
    size_t w = 0;
    for (char32_t c : scratch)
      if (!is_nonspacing_mark(c)) scratch[w++] = c;
    scratch.resize(w);
    text.swap(scratch);
  }
  if (config.lowercase) {
    scratch.clear();
    lowercase(text, scratch);
    text.swap(scratch);
  }
}

void wordpiece(const WordPiece& model, std::u32string_view word, std::vector<int64_t>& ids,
               std::vector<std::string>* tokens, std::string& scratch) {
  auto unknown = [&] {
    ids.push_back(model.unk_id);
    if (tokens) tokens->push_back(model.unk_token);
  };
  if (word.size() > model.max_input_chars_per_word) return unknown();
  // UTF-8 of the word and the byte offset of every character boundary.
  scratch.clear();
  size_t bounds[256];
  std::vector<size_t> big_bounds;
  size_t* bound = bounds;
  if (word.size() + 1 > std::size(bounds)) {
    big_bounds.resize(word.size() + 1);
    bound = big_bounds.data();
  }
  for (size_t i = 0; i < word.size(); ++i) {
    bound[i] = scratch.size();
    append_utf8(word[i], scratch);
  }
  bound[word.size()] = scratch.size();

  const size_t first = ids.size();
  const size_t first_token = tokens ? tokens->size() : 0;
  for (size_t start = 0; start < word.size();) {
    const TokenMap& map = start == 0 || model.prefix.empty() ? model.vocab : model.continuation;
    TokenMap::const_iterator hit = map.end();
    size_t end = word.size();
    for (; end > start; --end) {
      hit = map.find(std::string_view(scratch).substr(bound[start], bound[end] - bound[start]));
      if (hit != map.end()) break;
    }
    if (hit == map.end()) {
      ids.resize(first);
      if (tokens) tokens->resize(first_token);
      return unknown();
    }
    ids.push_back(hit->second);
    if (tokens) tokens->push_back(model.id_to_token[static_cast<size_t>(hit->second)]);
    start = end;
  }
}

}  // namespace sparrow::tokenizer
