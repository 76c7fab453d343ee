// Encoding: added-token split -> BertNormalizer -> BertPreTokenizer -> WordPiece per text, then truncation,
// the post-processor template and padding, in the order tokenizers (Rust) applies them.
#include "sparrow/tokenizer.h"

#include <utf8proc.h>

#include <algorithm>

#include "sparrow/error.h"
#include "tokenizer/bert.h"
#include "tokenizer/tokenizer_impl.h"
#include "tokenizer/unicode.h"

namespace sparrow {
namespace {

using tokenizer::AddedToken;

bool is_word_char(char32_t c) {
  if (c == U'_') return true;
  utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

// The code point that ends just before byte `i` of valid UTF-8 (or starts at `i`).
char32_t char_before(std::string_view s, size_t i) {
  size_t b = i;
  do --b;
  while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80);
  std::u32string cp;
  tokenizer::decode_utf8(s.substr(b, i - b), cp);
  return cp.empty() ? 0 : cp[0];
}
char32_t char_before(std::u32string_view s, size_t i) {
  return s[i - 1];
}
char32_t char_at(std::string_view s, size_t i) {
  size_t e = i + 1;
  while (e < s.size() && (static_cast<unsigned char>(s[e]) & 0xC0) == 0x80) ++e;
  std::u32string cp;
  tokenizer::decode_utf8(s.substr(i, e - i), cp);
  return cp.empty() ? 0 : cp[0];
}
char32_t char_at(std::u32string_view s, size_t i) {
  return s[i];
}

// Leftmost-longest matching of added tokens in `text` (tokenizers uses an Aho-Corasick automaton with the
// same semantics). Calls on_text(begin, end) for the spans between matches and on_token(token) for each
// match, honouring lstrip/rstrip (whitespace around the token is swallowed) and single_word.
template <typename Char, typename Content, typename OnText, typename OnToken>
void split_added(std::basic_string_view<Char> text, const std::vector<const AddedToken*>& tokens,
                 const std::vector<Content>& contents, OnText&& on_text, OnToken&& on_token) {
  if (tokens.empty()) {
    on_text(0, text.size());
    return;
  }
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    size_t k = 0;
    for (; k < tokens.size(); ++k) {
      std::basic_string_view<Char> c(contents[k]);
      if (text.compare(i, c.size(), c) != 0) continue;
      if (tokens[k]->single_word &&
          ((i > 0 && is_word_char(char_before(text, i))) ||
           (i + c.size() < text.size() && is_word_char(char_at(text, i + c.size())))))
        continue;
      break;
    }
    if (k == tokens.size()) {
      ++i;
      continue;
    }
    size_t end_text = i;
    if (tokens[k]->lstrip)
      while (end_text > start && tokenizer::is_whitespace(char_before(text, end_text))) --end_text;
    if (end_text > start) on_text(start, end_text);
    on_token(*tokens[k]);
    i += contents[k].size();
    if (tokens[k]->rstrip)
      while (i < text.size() && tokenizer::is_whitespace(char_at(text, i))) ++i;
    start = i;
  }
  if (text.size() > start) on_text(start, text.size());
}

void push_token(const AddedToken& t, std::vector<int64_t>& ids, std::vector<std::string>* tokens) {
  ids.push_back(t.id);
  if (tokens) tokens->push_back(t.content);
}

void truncate(std::vector<int64_t>& ids, std::vector<std::string>& tokens, size_t n, bool left) {
  if (ids.size() <= n) return;
  if (left) {
    ids.erase(ids.begin(), ids.end() - static_cast<ptrdiff_t>(n));
    tokens.erase(tokens.begin(), tokens.end() - static_cast<ptrdiff_t>(n));
  } else {
    ids.resize(n);
    tokens.resize(n);
  }
}

void pad(const Tokenizer::Impl& impl, Encoding& e, size_t length) {
  if (e.input_ids.size() >= length) return;
  size_t n = length - e.input_ids.size();
  auto at = [&](auto& v) { return impl.pad_left ? v.begin() : v.end(); };
  e.input_ids.insert(at(e.input_ids), n, impl.pad_id);
  e.attention_mask.insert(at(e.attention_mask), n, 0);
  e.token_type_ids.insert(at(e.token_type_ids), n, impl.pad_type_id);
  e.tokens.insert(at(e.tokens), n, impl.pad_token);
}

}  // namespace

void Tokenizer::Impl::tokenize(std::string_view text, std::string_view what, std::vector<int64_t>& ids,
                               std::vector<std::string>* tokens) const {
  tokenizer::validate_utf8(text, what);
  std::u32string chars, scratch;
  std::string word_scratch;
  std::vector<std::string_view> raw_contents;
  raw_contents.reserve(raw_matchers.size());
  for (const AddedToken* t : raw_matchers) raw_contents.emplace_back(t->content);

  auto model_words = [&](std::u32string_view section) {
    tokenizer::pre_tokenize(section, bert_pre_tokenizer, [&](size_t b, size_t e) {
      tokenizer::wordpiece(model, section.substr(b, e - b), ids, tokens, word_scratch);
    });
  };
  auto on_raw_text = [&](size_t b, size_t e) {
    chars.clear();
    tokenizer::decode_utf8(text.substr(b, e - b), chars, what);
    if (normalizer) tokenizer::normalize(*normalizer, chars, scratch);
    std::u32string_view normalized(chars);
    split_added(
        normalized, normalized_matchers, normalized_contents,
        [&](size_t nb, size_t ne) { model_words(normalized.substr(nb, ne - nb)); },
        [&](const AddedToken& t) { push_token(t, ids, tokens); });
  };
  split_added(text, raw_matchers, raw_contents, on_raw_text,
              [&](const AddedToken& t) { push_token(t, ids, tokens); });
}

Encoding Tokenizer::encode(std::string_view text, std::optional<std::string_view> pair,
                           const EncodeOptions& options) const {
  const Impl& impl = *impl_;
  std::vector<int64_t> ids[2];
  std::vector<std::string> tokens[2];
  impl.tokenize(text, pair ? "first text" : "text", ids[0], &tokens[0]);
  if (pair) impl.tokenize(*pair, "second text", ids[1], &tokens[1]);

  const size_t max_length = options.max_length ? options.max_length : impl.model_max_length;
  if (options.truncation) {
    size_t n_special = options.add_special_tokens ? impl.n_special_tokens(pair.has_value()) : 0;
    SPARROW_CHECK(max_length >= n_special, "max_length ", max_length, " leaves no room for the ", n_special,
                  " special tokens");
    size_t limit = max_length - n_special;
    size_t n0 = ids[0].size(), n1 = pair ? ids[1].size() : 0;
    if (n0 + n1 > limit) {
      using tokenizer::TruncationStrategy;
      const size_t excess = n0 + n1 - limit;
      if (!pair) {
        n0 = limit;
      } else if (impl.truncation_strategy == TruncationStrategy::kOnlyFirst) {
        SPARROW_CHECK(n0 > excess, "cannot truncate the first text to fit max_length ", max_length,
                      ": it has ", n0, " tokens and the second text ", n1);
        n0 -= excess;
      } else if (impl.truncation_strategy == TruncationStrategy::kOnlySecond) {
        SPARROW_CHECK(n1 > excess, "cannot truncate the second text to fit max_length ", max_length,
                      ": it has ", n1, " tokens and the first text ", n0);
        n1 -= excess;
      } else {
        // longest_first as tokenizers computes it: the shorter text keeps its length when the longer one can
        // absorb the cut; otherwise both get half, the longer one the odd token.
        size_t shorter = std::min(n0, n1), longer;
        longer = shorter > limit ? shorter : std::max(shorter, limit - shorter);
        if (shorter + longer > limit) {
          shorter = limit / 2;
          longer = shorter + limit % 2;
        }
        if (n0 > n1) {
          n0 = longer;
          n1 = shorter;
        } else {
          n0 = shorter;
          n1 = longer;
        }
      }
      truncate(ids[0], tokens[0], n0, impl.truncate_left);
      truncate(ids[1], tokens[1], n1, impl.truncate_left);
    }
  }

  Encoding e;
  const auto& tmpl = pair ? impl.pair : impl.single;
  if (tmpl.empty()) {  // no post-processor: the texts concatenated, type ids 0 then 1
    for (int s = 0; s < (pair ? 2 : 1); ++s) {
      e.input_ids.insert(e.input_ids.end(), ids[s].begin(), ids[s].end());
      e.tokens.insert(e.tokens.end(), tokens[s].begin(), tokens[s].end());
      e.token_type_ids.insert(e.token_type_ids.end(), ids[s].size(), s);
    }
  }
  for (const tokenizer::TemplatePiece& p : tmpl) {
    if (p.sequence >= 0) {
      const auto s = static_cast<size_t>(p.sequence);
      e.input_ids.insert(e.input_ids.end(), ids[s].begin(), ids[s].end());
      e.tokens.insert(e.tokens.end(), tokens[s].begin(), tokens[s].end());
      int64_t type_id = !options.add_special_tokens && impl.zero_type_ids_without_specials ? 0 : p.type_id;
      e.token_type_ids.insert(e.token_type_ids.end(), ids[s].size(), type_id);
    } else if (options.add_special_tokens) {
      e.input_ids.insert(e.input_ids.end(), p.ids.begin(), p.ids.end());
      e.tokens.insert(e.tokens.end(), p.tokens.begin(), p.tokens.end());
      e.token_type_ids.insert(e.token_type_ids.end(), p.ids.size(), p.type_id);
    }
  }
  e.attention_mask.assign(e.input_ids.size(), 1);
  if (options.padding == EncodeOptions::Padding::kMaxLength) pad(impl, e, max_length);
  return e;
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                              const EncodeOptions& options) const {
  std::vector<Encoding> out;
  out.reserve(texts.size());
  for (const std::string& t : texts) out.push_back(encode(t, std::nullopt, options));
  if (options.padding == EncodeOptions::Padding::kLongest) {
    size_t longest = 0;
    for (const Encoding& e : out) longest = std::max(longest, e.input_ids.size());
    if (impl_->pad_to_multiple_of > 1 && longest % impl_->pad_to_multiple_of)
      longest += impl_->pad_to_multiple_of - longest % impl_->pad_to_multiple_of;
    for (Encoding& e : out) pad(*impl_, e, longest);
  }
  return out;
}

size_t Tokenizer::vocab_size() const {
  size_t n = impl_->model.id_to_token.size();
  for (const auto& [id, t] : impl_->added_by_id) n = std::max(n, static_cast<size_t>(id) + 1);
  return n;
}

std::optional<int64_t> Tokenizer::token_to_id(std::string_view token) const {
  for (const AddedToken& t : impl_->added_tokens)
    if (t.content == token) return t.id;
  auto it = impl_->model.vocab.find(token);
  if (it == impl_->model.vocab.end()) return std::nullopt;
  return it->second;
}

std::string Tokenizer::id_to_token(int64_t id) const {
  if (auto it = impl_->added_by_id.find(id); it != impl_->added_by_id.end()) return it->second->content;
  SPARROW_CHECK(id >= 0 && static_cast<size_t>(id) < impl_->model.id_to_token.size(), "token id ", id,
                " is outside the vocabulary (0..", vocab_size() - 1, ")");
  return impl_->model.id_to_token[static_cast<size_t>(id)];
}

size_t Tokenizer::model_max_length() const {
  return impl_->model_max_length;
}
int64_t Tokenizer::pad_id() const {
  return impl_->pad_id;
}

}  // namespace sparrow
