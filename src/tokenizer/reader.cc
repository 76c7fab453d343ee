// Readers: tokenizer.json (tokenizers' serialization), vocab.txt + tokenizer_config.json (the older
// BertTokenizer form). Nothing read from a file is trusted: every field is type-checked and every id is
// range-checked, and each error names the file and the field.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sparrow/error.h"
#include "tokenizer/bert.h"
#include "tokenizer/tokenizer_impl.h"
#include "tokenizer/unicode.h"

namespace sparrow {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using tokenizer::AddedToken;
using tokenizer::TemplatePiece;

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  SPARROW_CHECK(in, "cannot open ", file.string());
  std::ostringstream s;
  s << in.rdbuf();
  SPARROW_CHECK(!in.bad(), "cannot read ", file.string());
  return s.str();
}

json parse_json(const fs::path& file) {
  std::string text = read_file(file);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    fail(file.string(), ": invalid JSON: ", e.what());
  }
}

// Field access with the JSON path and the found type in every error.
struct Reader {
  std::string file;

  [[noreturn]] void wrong(const std::string& path, const char* expected, const json& v) const {
    fail(file, ": ", path, " must be ", expected, ", found ", v.type_name());
  }
  const json* find(const json& obj, const std::string& path, const char* key) const {
    if (!obj.is_object()) wrong(path, "an object", obj);
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const json& need(const json& obj, const std::string& path, const char* key) const {
    const json* v = find(obj, path, key);
    if (!v || v->is_null()) fail(file, ": ", path, " has no \"", key, "\"");
    return *v;
  }
  bool boolean(const json& obj, const std::string& path, const char* key, bool fallback) const {
    const json* v = find(obj, path, key);
    if (!v || v->is_null()) return fallback;
    if (!v->is_boolean()) wrong(path + "." + key, "a boolean", *v);
    return v->get<bool>();
  }
  std::optional<bool> opt_boolean(const json& obj, const std::string& path, const char* key) const {
    const json* v = find(obj, path, key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_boolean()) wrong(path + "." + key, "a boolean or null", *v);
    return v->get<bool>();
  }
  std::string string(const json& v, const std::string& path) const {
    if (!v.is_string()) wrong(path, "a string", v);
    std::string s = v.get<std::string>();
    tokenizer::validate_utf8(s, file + ": " + path);
    return s;
  }
  int64_t integer(const json& v, const std::string& path, int64_t max = INT64_MAX) const {
    if (!v.is_number_integer()) wrong(path, "an integer", v);
    if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(max)
                               : v.get<int64_t>() < 0 || v.get<int64_t>() > max)
      fail(file, ": ", path, " = ", v.dump(), " is out of range [0, ", max, "]");
    return v.get<int64_t>();
  }
};

constexpr int64_t kMaxVocab = int64_t{1} << 31;

void set_vocab(Tokenizer::Impl& impl, std::vector<std::string> id_to_token, const std::string& source) {
  auto& m = impl.model;
  m.id_to_token = std::move(id_to_token);
  m.vocab.clear();
  m.continuation.clear();
  m.vocab.reserve(m.id_to_token.size());
  for (size_t id = 0; id < m.id_to_token.size(); ++id) {
    const std::string& t = m.id_to_token[id];
    auto [it, inserted] = m.vocab.emplace(t, static_cast<int64_t>(id));
    if (!inserted)
      fail(source, ": token \"", t, "\" appears twice in the vocabulary (ids ", it->second, " and ", id, ")");
    if (!m.prefix.empty() && t.size() > m.prefix.size() && t.compare(0, m.prefix.size(), m.prefix) == 0)
      m.continuation.emplace(t.substr(m.prefix.size()), static_cast<int64_t>(id));
  }
}

void bert_template(Tokenizer::Impl& impl, const std::string& cls, const std::string& sep) {
  auto special = [&](const std::string& token, int64_t type_id) {
    TemplatePiece p;
    p.ids = {impl.model.vocab.at(token)};
    p.tokens = {token};
    p.type_id = type_id;
    return p;
  };
  auto sequence = [](int which, int64_t type_id) {
    TemplatePiece p;
    p.sequence = which;
    p.type_id = type_id;
    return p;
  };
  impl.single = {special(cls, 0), sequence(0, 0), special(sep, 0)};
  impl.pair = {special(cls, 0), sequence(0, 0), special(sep, 0), sequence(1, 1), special(sep, 1)};
}

std::vector<TemplatePiece> read_template(const Reader& r, const json& pieces, const std::string& path,
                                         const json& special_tokens) {
  if (!pieces.is_array()) r.wrong(path, "an array", pieces);
  std::vector<TemplatePiece> out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    const json& piece = pieces[i];
    TemplatePiece t;
    if (const json* seq = r.find(piece, p, "Sequence")) {
      std::string id = r.string(r.need(*seq, p + ".Sequence", "id"), p + ".Sequence.id");
      if (id != "A" && id != "B")
        fail(r.file, ": ", p, ".Sequence.id must be \"A\" or \"B\", found \"", id, "\"");
      t.sequence = id == "A" ? 0 : 1;
      t.type_id = r.integer(r.need(*seq, p + ".Sequence", "type_id"), p + ".Sequence.type_id", 1 << 20);
    } else if (const json* sp = r.find(piece, p, "SpecialToken")) {
      std::string id = r.string(r.need(*sp, p + ".SpecialToken", "id"), p + ".SpecialToken.id");
      t.type_id =
          r.integer(r.need(*sp, p + ".SpecialToken", "type_id"), p + ".SpecialToken.type_id", 1 << 20);
      const json* def =
          special_tokens.is_object() ? r.find(special_tokens, "special_tokens", id.c_str()) : nullptr;
      if (!def)
        fail(r.file, ": ", p, " names special token \"", id, "\" that post_processor.special_tokens lacks");
      std::string dp = "post_processor.special_tokens[\"" + id + "\"]";
      const json& ids = r.need(*def, dp, "ids");
      const json& tokens = r.need(*def, dp, "tokens");
      if (!ids.is_array()) r.wrong(dp + ".ids", "an array", ids);
      if (!tokens.is_array()) r.wrong(dp + ".tokens", "an array", tokens);
      if (ids.size() != tokens.size())
        fail(r.file, ": ", dp, " has ", ids.size(), " ids but ", tokens.size(), " tokens");
      for (size_t k = 0; k < ids.size(); ++k) {
        t.ids.push_back(r.integer(ids[k], dp + ".ids", kMaxVocab));
        t.tokens.push_back(r.string(tokens[k], dp + ".tokens"));
      }
    } else {
      fail(r.file, ": ", p, " must hold \"Sequence\" or \"SpecialToken\"");
    }
    out.push_back(std::move(t));
  }
  return out;
}

void read_post_processor(const Reader& r, const json& pp, Tokenizer::Impl& impl) {
  if (pp.is_null()) return;
  std::string type = r.string(r.need(pp, "post_processor", "type"), "post_processor.type");
  if (type == "TemplateProcessing") {
    const json* special = r.find(pp, "post_processor", "special_tokens");
    json none = json::object();
    impl.single = read_template(r, r.need(pp, "post_processor", "single"), "post_processor.single",
                                special ? *special : none);
    impl.pair = read_template(r, r.need(pp, "post_processor", "pair"), "post_processor.pair",
                              special ? *special : none);
    auto count = [](const std::vector<TemplatePiece>& t, int which) {
      return std::count_if(t.begin(), t.end(), [&](const TemplatePiece& p) { return p.sequence == which; });
    };
    if (count(impl.single, 0) != 1 || count(impl.single, 1) != 0)
      fail(r.file, ": post_processor.single must contain sequence A once and no sequence B");
    if (count(impl.pair, 0) != 1 || count(impl.pair, 1) != 1)
      fail(r.file, ": post_processor.pair must contain sequences A and B once each");
  } else if (type == "BertProcessing") {
    auto pair_of = [&](const char* key) {
      const json& v = r.need(pp, "post_processor", key);
      std::string path = std::string("post_processor.") + key;
      if (!v.is_array() || v.size() != 2) r.wrong(path, "a [token, id] array", v);
      TemplatePiece p;
      p.tokens = {r.string(v[0], path + "[0]")};
      p.ids = {r.integer(v[1], path + "[1]", kMaxVocab)};
      return p;
    };
    TemplatePiece cls = pair_of("cls"), sep = pair_of("sep");
    TemplatePiece a, b;
    a.sequence = 0;
    b.sequence = 1;
    b.type_id = 1;
    TemplatePiece sep1 = sep;
    sep1.type_id = 1;
    impl.single = {cls, a, sep};
    impl.pair = {cls, a, sep, b, sep1};
    impl.zero_type_ids_without_specials = true;
  } else {
    fail(r.file, ": unsupported post_processor type \"", type,
         "\" (sparrow reads TemplateProcessing and BertProcessing)");
  }
}

void read_truncation_padding(const Reader& r, const json& root, Tokenizer::Impl& impl) {
  if (const json* t = r.find(root, "tokenizer.json", "truncation"); t && !t->is_null()) {
    impl.truncation_max_length = static_cast<size_t>(
        r.integer(r.need(*t, "truncation", "max_length"), "truncation.max_length", kMaxVocab));
    if (const json* s = r.find(*t, "truncation", "strategy"); s && !s->is_null()) {
      std::string v = r.string(*s, "truncation.strategy");
      if (v == "LongestFirst")
        impl.truncation_strategy = tokenizer::TruncationStrategy::kLongestFirst;
      else if (v == "OnlyFirst")
        impl.truncation_strategy = tokenizer::TruncationStrategy::kOnlyFirst;
      else if (v == "OnlySecond")
        impl.truncation_strategy = tokenizer::TruncationStrategy::kOnlySecond;
      else
        fail(r.file, ": truncation.strategy \"", v, "\" is not LongestFirst, OnlyFirst or OnlySecond");
    }
    if (const json* d = r.find(*t, "truncation", "direction"); d && !d->is_null()) {
      std::string v = r.string(*d, "truncation.direction");
      if (v != "Left" && v != "Right")
        fail(r.file, ": truncation.direction \"", v, "\" is not Left or Right");
      impl.truncate_left = v == "Left";
    }
  }
  if (const json* p = r.find(root, "tokenizer.json", "padding"); p && !p->is_null()) {
    if (const json* s = r.find(*p, "padding", "strategy"); s && s->is_object()) {
      impl.padding_fixed_length = static_cast<size_t>(
          r.integer(r.need(*s, "padding.strategy", "Fixed"), "padding.strategy.Fixed", kMaxVocab));
    }
    if (const json* d = r.find(*p, "padding", "direction"); d && !d->is_null()) {
      std::string v = r.string(*d, "padding.direction");
      if (v != "Left" && v != "Right") fail(r.file, ": padding.direction \"", v, "\" is not Left or Right");
      impl.pad_left = v == "Left";
    }
    if (const json* m = r.find(*p, "padding", "pad_to_multiple_of"); m && !m->is_null())
      impl.pad_to_multiple_of = static_cast<size_t>(r.integer(*m, "padding.pad_to_multiple_of", 1 << 20));
    if (const json* v = r.find(*p, "padding", "pad_id"); v && !v->is_null())
      impl.pad_id = r.integer(*v, "padding.pad_id", kMaxVocab);
    if (const json* v = r.find(*p, "padding", "pad_type_id"); v && !v->is_null())
      impl.pad_type_id = r.integer(*v, "padding.pad_type_id", 1 << 20);
    if (const json* v = r.find(*p, "padding", "pad_token"); v && !v->is_null())
      impl.pad_token = r.string(*v, "padding.pad_token");
  } else {
    // No padding section: pad with [PAD] (HF's pad_token) when the vocabulary has it.
    impl.pad_id = -1;
  }
}

// tokenizer_config.json: model_max_length (HF writes 1e30 for "unset") and, for vocab.txt, the
// BertTokenizer options.
struct TokenizerConfig {
  std::optional<size_t> model_max_length;
  std::optional<bool> do_lower_case, tokenize_chinese_chars, strip_accents;
  std::string unk = "[UNK]", sep = "[SEP]", cls = "[CLS]", pad = "[PAD]", mask = "[MASK]";
};

TokenizerConfig read_config(const fs::path& file) {
  TokenizerConfig c;
  std::error_code ec;
  if (!fs::exists(file, ec)) return c;
  json root = parse_json(file);
  Reader r{file.string()};
  if (!root.is_object()) r.wrong("the top level", "an object", root);
  if (const json* v = r.find(root, "tokenizer_config", "model_max_length"); v && !v->is_null()) {
    if (!v->is_number()) r.wrong("model_max_length", "a number", *v);
    double d = v->get<double>();
    if (d < 1) fail(r.file, ": model_max_length = ", v->dump(), " must be positive");
    if (d < 1e9) c.model_max_length = static_cast<size_t>(d);
  }
  if (const json* v = r.find(root, "tokenizer_config", "do_lower_case"); v && !v->is_null())
    c.do_lower_case = r.opt_boolean(root, "tokenizer_config", "do_lower_case");
  c.tokenize_chinese_chars = r.opt_boolean(root, "tokenizer_config", "tokenize_chinese_chars");
  c.strip_accents = r.opt_boolean(root, "tokenizer_config", "strip_accents");
  auto token = [&](const char* key, std::string& out) {
    const json* v = r.find(root, "tokenizer_config", key);
    if (!v || v->is_null()) return;
    if (v->is_object())
      out = r.string(r.need(*v, key, "content"), std::string(key) + ".content");
    else
      out = r.string(*v, key);
  };
  token("unk_token", c.unk);
  token("sep_token", c.sep);
  token("cls_token", c.cls);
  token("pad_token", c.pad);
  token("mask_token", c.mask);
  return c;
}

std::shared_ptr<Tokenizer::Impl> read_tokenizer_json(const fs::path& file) {
  json root = parse_json(file);
  Reader r{file.string()};
  if (!root.is_object()) r.wrong("the top level", "an object", root);
  auto impl = std::make_shared<Tokenizer::Impl>();

  const json& model = r.need(root, "tokenizer.json", "model");
  if (const json* type = r.find(model, "model", "type"); type && !type->is_null()) {
    std::string t = r.string(*type, "model.type");
    if (t != "WordPiece")
      fail(r.file, ": unsupported model type \"", t, "\" (sparrow reads WordPiece models)");
  }
  auto& m = impl->model;
  m.unk_token = r.string(r.need(model, "model", "unk_token"), "model.unk_token");
  if (const json* v = r.find(model, "model", "continuing_subword_prefix"); v && !v->is_null())
    m.prefix = r.string(*v, "model.continuing_subword_prefix");
  if (const json* v = r.find(model, "model", "max_input_chars_per_word"); v && !v->is_null())
    m.max_input_chars_per_word =
        static_cast<size_t>(r.integer(*v, "model.max_input_chars_per_word", kMaxVocab));
  const json& vocab = r.need(model, "model", "vocab");
  if (!vocab.is_object()) r.wrong("model.vocab", "an object (token -> id)", vocab);
  std::vector<std::string> id_to_token(vocab.size());
  std::vector<bool> seen(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    tokenizer::validate_utf8(it.key(), r.file + ": a model.vocab token");
    int64_t id = r.integer(it.value(), "model.vocab[\"" + it.key() + "\"]", kMaxVocab);
    if (static_cast<size_t>(id) >= vocab.size())
      fail(r.file, ": model.vocab[\"", it.key(), "\"] = ", id, " but the vocabulary has ", vocab.size(),
           " entries (ids must be 0..", vocab.size() - 1, ")");
    if (seen[static_cast<size_t>(id)])
      fail(r.file, ": model.vocab id ", id, " is used by both \"", id_to_token[static_cast<size_t>(id)],
           "\" and \"", it.key(), "\"");
    seen[static_cast<size_t>(id)] = true;
    id_to_token[static_cast<size_t>(id)] = it.key();
  }
  set_vocab(*impl, std::move(id_to_token), r.file);

  if (const json* n = r.find(root, "tokenizer.json", "normalizer"); n && !n->is_null()) {
    std::string t = r.string(r.need(*n, "normalizer", "type"), "normalizer.type");
    if (t != "BertNormalizer")
      fail(r.file, ": unsupported normalizer type \"", t, "\" (sparrow reads BertNormalizer)");
    tokenizer::BertNormalizer b;
    b.clean_text = r.boolean(*n, "normalizer", "clean_text", true);
    b.handle_chinese_chars = r.boolean(*n, "normalizer", "handle_chinese_chars", true);
    b.lowercase = r.boolean(*n, "normalizer", "lowercase", true);
    b.strip_accents = r.opt_boolean(*n, "normalizer", "strip_accents").value_or(b.lowercase);
    impl->normalizer = b;
  }
  impl->bert_pre_tokenizer = false;
  if (const json* p = r.find(root, "tokenizer.json", "pre_tokenizer"); p && !p->is_null()) {
    std::string t = r.string(r.need(*p, "pre_tokenizer", "type"), "pre_tokenizer.type");
    if (t != "BertPreTokenizer")
      fail(r.file, ": unsupported pre_tokenizer type \"", t, "\" (sparrow reads BertPreTokenizer)");
    impl->bert_pre_tokenizer = true;
  }
  if (const json* added = r.find(root, "tokenizer.json", "added_tokens"); added && !added->is_null()) {
    if (!added->is_array()) r.wrong("added_tokens", "an array", *added);
    for (size_t i = 0; i < added->size(); ++i) {
      std::string p = "added_tokens[" + std::to_string(i) + "]";
      const json& a = (*added)[i];
      AddedToken t;
      t.id = r.integer(r.need(a, p, "id"), p + ".id", kMaxVocab);
      t.content = r.string(r.need(a, p, "content"), p + ".content");
      t.special = r.boolean(a, p, "special", false);
      t.normalized = r.boolean(a, p, "normalized", !t.special);
      t.lstrip = r.boolean(a, p, "lstrip", false);
      t.rstrip = r.boolean(a, p, "rstrip", false);
      t.single_word = r.boolean(a, p, "single_word", false);
      impl->added_tokens.push_back(std::move(t));
    }
  }
  read_post_processor(r, root.contains("post_processor") ? root["post_processor"] : json(), *impl);
  read_truncation_padding(r, root, *impl);

  TokenizerConfig config = read_config(file.parent_path() / "tokenizer_config.json");
  if (config.model_max_length)
    impl->model_max_length = *config.model_max_length;
  else if (impl->truncation_max_length)
    impl->model_max_length = *impl->truncation_max_length;
  impl->finish(r.file);
  return impl;
}

std::shared_ptr<Tokenizer::Impl> read_vocab_txt(const fs::path& file, const TokenizerConfig& config,
                                                bool lowercase) {
  std::string text = read_file(file);
  std::string source = file.string();
  std::vector<std::string> tokens;
  size_t line = 1;
  for (size_t pos = 0; pos < text.size(); ++line) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    std::string_view token(text.data() + pos, end - pos);
    if (!token.empty() && token.back() == '\r') token.remove_suffix(1);
    tokenizer::validate_utf8(token, source + " line " + std::to_string(line));
    if (token.empty())
      fail(source, ": line ", line, " is empty (every line holds one token; ids are line numbers)");
    tokens.emplace_back(token);
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  SPARROW_CHECK(!tokens.empty(), source, ": the vocabulary is empty");
  auto impl = std::make_shared<Tokenizer::Impl>();
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto [it, inserted] = impl->model.vocab.emplace(tokens[i], static_cast<int64_t>(i));
    if (!inserted)
      fail(source, ": line ", i + 1, " repeats token \"", tokens[i], "\" of line ", it->second + 1);
  }
  set_vocab(*impl, std::move(tokens), source);

  tokenizer::BertNormalizer b;
  b.lowercase = lowercase;
  b.handle_chinese_chars = config.tokenize_chinese_chars.value_or(true);
  b.strip_accents = config.strip_accents.value_or(lowercase);
  impl->normalizer = b;
  impl->bert_pre_tokenizer = true;
  impl->model.unk_token = config.unk;
  for (const std::string* t : {&config.unk, &config.sep, &config.cls})
    if (!impl->model.vocab.count(*t)) fail(source, ": the vocabulary has no \"", *t, "\" token");
  // As the slow-to-fast conversion does: the special tokens become added tokens, matched in raw text.
  for (const std::string* t : {&config.pad, &config.unk, &config.cls, &config.sep, &config.mask}) {
    auto it = impl->model.vocab.find(*t);
    if (it == impl->model.vocab.end()) continue;
    AddedToken a;
    a.content = *t;
    a.id = it->second;
    a.special = true;
    impl->added_tokens.push_back(a);
  }
  bert_template(*impl, config.cls, config.sep);
  impl->pad_token = config.pad;
  impl->pad_id = -1;
  if (config.model_max_length) impl->model_max_length = *config.model_max_length;
  impl->finish(source);
  return impl;
}

}  // namespace

void Tokenizer::Impl::finish(std::string_view source) {
  auto unk = model.vocab.find(model.unk_token);
  if (unk == model.vocab.end())
    fail(source, ": the unknown token \"", model.unk_token, "\" is not in the vocabulary");
  model.unk_id = unk->second;
  const auto vocab_size = static_cast<int64_t>(model.id_to_token.size());
  added_by_id.clear();
  for (const tokenizer::AddedToken& a : added_tokens) {
    if (a.content.empty()) fail(source, ": added token with id ", a.id, " has empty content");
    auto [it, inserted] = added_by_id.emplace(a.id, &a);
    if (!inserted && it->second->content != a.content)
      fail(source, ": added tokens \"", it->second->content, "\" and \"", a.content, "\" share id ", a.id);
    if (a.id < vocab_size && model.id_to_token[static_cast<size_t>(a.id)] != a.content)
      fail(source, ": added token \"", a.content, "\" has id ", a.id, ", which the vocabulary gives to \"",
           model.id_to_token[static_cast<size_t>(a.id)], "\"");
  }
  int64_t max_id = vocab_size - 1;
  for (const auto& [id, a] : added_by_id) max_id = std::max(max_id, id);
  for (const auto* t : {&single, &pair})
    for (const tokenizer::TemplatePiece& p : *t)
      for (int64_t id : p.ids)
        if (id > max_id)
          fail(source, ": special token id ", id, " is outside the vocabulary (0..", max_id, ")");

  raw_matchers.clear();
  normalized_matchers.clear();
  normalized_contents.clear();
  for (const tokenizer::AddedToken& a : added_tokens) {
    if (a.special || !a.normalized || !normalizer) {
      raw_matchers.push_back(&a);
    } else {
      std::u32string text, scratch;
      tokenizer::decode_utf8(a.content, text);
      tokenizer::normalize(*normalizer, text, scratch);
      if (text.empty()) continue;
      normalized_matchers.push_back(&a);
    }
  }
  auto longer = [](const tokenizer::AddedToken* x, const tokenizer::AddedToken* y) {
    return x->content.size() > y->content.size();
  };
  std::stable_sort(raw_matchers.begin(), raw_matchers.end(), longer);
  for (const tokenizer::AddedToken* a : normalized_matchers) {
    std::u32string text, scratch;
    tokenizer::decode_utf8(a->content, text);
    tokenizer::normalize(*normalizer, text, scratch);
    normalized_contents.push_back(std::move(text));
  }
  // Sort the normalized matchers by their normalized length, keeping the contents parallel.
  std::vector<size_t> order(normalized_matchers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return normalized_contents[x].size() > normalized_contents[y].size();
  });
  std::vector<const tokenizer::AddedToken*> m2;
  std::vector<std::u32string> c2;
  for (size_t i : order) {
    m2.push_back(normalized_matchers[i]);
    c2.push_back(normalized_contents[i]);
  }
  normalized_matchers = std::move(m2);
  normalized_contents = std::move(c2);

  if (pad_id < 0) {
    auto it = model.vocab.find(pad_token);
    pad_id = it == model.vocab.end() ? 0 : it->second;
  }
  if (pad_id > max_id)
    fail(source, ": padding.pad_id ", pad_id, " is outside the vocabulary (0..", max_id, ")");
}

size_t Tokenizer::Impl::n_special_tokens(bool is_pair) const {
  size_t n = 0;
  for (const tokenizer::TemplatePiece& p : is_pair ? pair : single) n += p.ids.size();
  return n;
}

Tokenizer Tokenizer::from_tokenizer_json(const std::filesystem::path& file) {
  return Tokenizer(read_tokenizer_json(file));
}

Tokenizer Tokenizer::from_vocab(const std::filesystem::path& vocab_txt, bool lowercase) {
  return Tokenizer(read_vocab_txt(vocab_txt, TokenizerConfig{}, lowercase));
}

Tokenizer Tokenizer::from_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "tokenizer.json", ec)) return from_tokenizer_json(dir / "tokenizer.json");
  if (fs::is_regular_file(dir / "vocab.txt", ec)) {
    TokenizerConfig config = read_config(dir / "tokenizer_config.json");
    return Tokenizer(read_vocab_txt(dir / "vocab.txt", config, config.do_lower_case.value_or(true)));
  }
  SPARROW_CHECK(fs::is_directory(dir, ec), "tokenizer folder ", dir.string(), " does not exist");
  fail("tokenizer folder ", dir.string(), " has neither tokenizer.json nor vocab.txt");
}

}  // namespace sparrow
