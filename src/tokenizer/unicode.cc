#include "tokenizer/unicode.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "sparrow/error.h"

namespace sparrow::tokenizer {
namespace {

[[noreturn]] void bad_utf8(std::string_view what, size_t offset, std::string_view why) {
  fail("invalid UTF-8 in ", what, " at byte offset ", offset, ": ", why);
}

// Decodes one well-formed sequence starting at text[i]; returns its length and stores the code point.
size_t decode_one(std::string_view text, size_t i, char32_t& cp, std::string_view what) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len;
  char32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, min = 0x80, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, min = 0x800, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, min = 0x10000, cp = b0 & 0x07;
  } else if (b0 >= 0x80 && b0 <= 0xBF) {
    bad_utf8(what, i, "unexpected continuation byte");
  } else {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", b0);
    bad_utf8(what, i, std::string("byte ") + hex + " never starts a character");
  }
  if (text.size() - i < len) bad_utf8(what, i, "sequence truncated by the end of the input");
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xC0) != 0x80) bad_utf8(what, i, "missing continuation byte");
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min) bad_utf8(what, i, "overlong encoding");
  if (cp >= 0xD800 && cp <= 0xDFFF) bad_utf8(what, i, "encoded surrogate");
  if (cp > 0x10FFFF) bad_utf8(what, i, "code point above U+10FFFF");
  return len;
}

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

}  // namespace

void decode_utf8(std::string_view text, std::u32string& out, std::string_view what) {
  out.reserve(out.size() + text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    i += decode_one(text, i, cp, what);
    out.push_back(cp);
  }
}

void validate_utf8(std::string_view text, std::string_view what) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    i += decode_one(text, i, cp, what);
  }
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string to_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) append_utf8(c, out);
  return out;
}

bool is_whitespace(char32_t c) {
  switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

bool is_control(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r') return false;
  utf8proc_category_t cat = category(c);
  return cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_CO;
}

bool is_punctuation(char32_t c) {
  if (c < 0x80)
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
  utf8proc_category_t cat = category(c);
  return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

bool is_nonspacing_mark(char32_t c) {
  return c >= 0x300 && category(c) == UTF8PROC_CATEGORY_MN;
}

bool is_chinese_char(char32_t c) {
  // tokenizers' table has 0x2B920 where Unicode's Extension E starts at 0x2B820; kept as HF has it.
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

void nfd(std::u32string_view in, std::u32string& out) {
  out.reserve(out.size() + in.size());
  utf8proc_int32_t buf[32];  // the longest canonical decomposition is 4 code points (18 for Hangul: 3)
  std::vector<std::pair<int, char32_t>> run;  // (combining class, code point) awaiting canonical ordering
  auto flush = [&] {
    std::stable_sort(run.begin(), run.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& r : run) out.push_back(r.second);
    run.clear();
  };
  for (char32_t c : in) {
    utf8proc_ssize_t n;
    if (c < 0xC0) {
      buf[0] = static_cast<utf8proc_int32_t>(c);
      n = 1;
    } else {
      int boundclass = UTF8PROC_BOUNDCLASS_START;
      n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buf, 32, UTF8PROC_DECOMPOSE, &boundclass);
      if (n < 0 || n > 32) {  // cannot happen for valid scalar values; keep the character unchanged
        buf[0] = static_cast<utf8proc_int32_t>(c);
        n = 1;
      }
    }
    for (utf8proc_ssize_t k = 0; k < n; ++k) {
      auto d = static_cast<char32_t>(buf[k]);
      int ccc = d < 0x300 ? 0 : utf8proc_get_property(buf[k])->combining_class;
      if (ccc == 0) {
        flush();
        out.push_back(d);
      } else {
        run.emplace_back(ccc, d);
      }
    }
  }
  flush();
}

void lowercase(std::u32string_view in, std::u32string& out) {
  out.reserve(out.size() + in.size());
  for (char32_t c : in) {
    if (c < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else if (c == 0x130) {  // the one unconditional multi-character lowercase mapping (SpecialCasing.txt)
      out.push_back(U'i');
      out.push_back(0x307);
    } else {
      out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    }
  }
}

}  // namespace sparrow::tokenizer
