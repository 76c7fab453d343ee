// Unicode helpers for the BERT tokenizer: strict UTF-8 decoding, the character classes that Hugging Face's
// BertNormalizer and BertPreTokenizer use, NFD and lowercasing. Categories come from utf8proc (the Unicode
// version of the installed library); docs/tokenizer.md lists where that differs from HF's own tables.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sparrow::tokenizer {

// Decodes UTF-8, appending code points to `out`. Throws sparrow::Error naming `what` and the byte offset of
// the first ill-formed sequence (overlong forms, surrogates, values above U+10FFFF and truncated sequences
// are all rejected, as RFC 3629 requires).
void decode_utf8(std::string_view text, std::u32string& out, std::string_view what = "text");
// Throws like decode_utf8 without producing code points.
void validate_utf8(std::string_view text, std::string_view what = "text");
void append_utf8(char32_t cp, std::string& out);
std::string to_utf8(std::u32string_view text);

// Rust's char::is_whitespace (the White_Space property).
bool is_whitespace(char32_t c);
// BertNormalizer's control test: categories Cc, Cf and Co, except tab, newline and carriage return.
bool is_control(char32_t c);
// BertPreTokenizer's punctuation: ASCII punctuation or any Unicode P* category.
bool is_punctuation(char32_t c);
// Category Mn (what strip_accents removes after NFD).
bool is_nonspacing_mark(char32_t c);
// The CJK ranges of tokenizers' BertNormalizer (exactly its table, see docs/tokenizer.md).
bool is_chinese_char(char32_t c);

// Canonical decomposition (NFD) of `in`, appended to `out`; canonical reordering uses a stable sort per run
// of combining marks, so its cost stays O(n log n) however many marks a run holds.
void nfd(std::u32string_view in, std::u32string& out);
// Rust's char::to_lowercase applied to every character (no context rules: a final capital sigma becomes
// U+03C3), appended to `out`.
void lowercase(std::u32string_view in, std::u32string& out);

}  // namespace sparrow::tokenizer
