// Hand-worked tokenizations on a tiny vocabulary, truncation and padding arithmetic, the vocab.txt form,
// strict UTF-8, and inputs built to make a careless implementation slow.
#include "sparrow/tokenizer.h"

#include <gtest/gtest.h>

#include "sparrow/error.h"
#include "support/paths.h"
#include "tokenizer/tokenizer_test_util.h"

namespace sparrow::tokenizer::testing {
namespace {

using Ids = std::vector<int64_t>;

Tokenizer tiny(const TempDir& dir, nlohmann::json j = tiny_tokenizer_json()) {
  return Tokenizer::from_tokenizer_json(dir.write("tokenizer.json", j.dump()));
}

Ids ids(const Tokenizer& t, std::string_view text, std::optional<std::string_view> pair = std::nullopt,
        EncodeOptions o = {}) {
  return t.encode(text, pair, o).input_ids;
}

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(Tokenizer, HandWorkedWordPiece) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  EXPECT_EQ(ids(t, "unaffable"), (Ids{2, 5, 6, 7, 3}));
  EXPECT_EQ(ids(t, "Hello, World!"), (Ids{2, 8, 10, 9, 11, 3}));   // lowercased, punctuation split off
  EXPECT_EQ(ids(t, "Caf\u00e9 cafe\u0301"), (Ids{2, 12, 12, 3}));  // NFD, then Mn marks removed
  EXPECT_EQ(ids(t, "hellos"), (Ids{2, 8, 20, 3}));                 // longest first, then ##s
  EXPECT_EQ(ids(t, "hellox unknown"), (Ids{2, 1, 1, 3}));          // no full segmentation: one [UNK] per word
  EXPECT_EQ(ids(t, "a\u4e2db"), (Ids{2, 13, 19, 14, 3}));          // CJK ideographs become words
  EXPECT_EQ(ids(t, "x\u200by\u0007z"), (Ids{2, 1, 3}));            // controls removed: "xyz" is one word
  EXPECT_EQ(ids(t, "x\u00a0y\tz"), (Ids{2, 16, 17, 18, 3}));       // Unicode spaces split
  EXPECT_EQ(ids(t, ""), (Ids{2, 3}));
  EXPECT_EQ(ids(t, " \t\n "), (Ids{2, 3}));
}

TEST(Tokenizer, EmptyContinuationPrefixAndWordLimit) {
  TempDir dir;
  nlohmann::json j = tiny_tokenizer_json();
  j["model"]["continuing_subword_prefix"] = "";
  j["model"]["max_input_chars_per_word"] = 5;
  Tokenizer t = tiny(dir, j);
  EXPECT_EQ(ids(t, "hello"), (Ids{2, 8, 3}));
  EXPECT_EQ(ids(t, "unab"), (Ids{2, 5, 13, 14, 3}));  // continuation pieces looked up without a prefix
  EXPECT_EQ(ids(t, "hellos"), (Ids{2, 1, 3}));        // 6 characters > 5
}

TEST(Tokenizer, TokensAndSpecialTokensInText) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  Encoding e = t.encode("[CLS]x [sep]");
  EXPECT_EQ(e.input_ids, (Ids{2, 2, 16, 1, 1, 1, 3}));  // "[sep]" is ordinary text: [ sep ] -> three [UNK]
  EXPECT_EQ(e.tokens, (std::vector<std::string>{"[CLS]", "[CLS]", "x", "[UNK]", "[UNK]", "[UNK]", "[SEP]"}));
  EXPECT_EQ(t.encode("hellos").tokens, (std::vector<std::string>{"[CLS]", "hello", "##s", "[SEP]"}));
}

TEST(Tokenizer, PairTypeIdsAndNoSpecialTokens) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  Encoding e = t.encode("a b", "c");
  EXPECT_EQ(e.input_ids, (Ids{2, 13, 14, 3, 15, 3}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(e.attention_mask, (Ids{1, 1, 1, 1, 1, 1}));
  EncodeOptions o;
  o.add_special_tokens = false;
  e = t.encode("a b", "c", o);
  EXPECT_EQ(e.input_ids, (Ids{13, 14, 15}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 1}));  // TemplateProcessing keeps the sequences' type ids
  EXPECT_EQ(t.encode("a", std::string_view()).input_ids, (Ids{2, 13, 3, 3}));  // empty B is still a pair
}

TEST(Tokenizer, TruncationLongestFirst) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  // (tokens of A, tokens of B, max_length) -> tokens kept of A and B; max_length includes 3 specials.
  struct Row {
    size_t a, b, max_length, keep_a, keep_b;
  } rows[] = {
      {8, 3, 8, 3, 2},   // both longer than half: the longer text gets the odd token
      {8, 6, 8, 3, 2},   //
      {2, 11, 9, 2, 4},  // the shorter fits: only the longer is cut
      {5, 5, 7, 2, 2},   //
      {5, 5, 8, 2, 3},   // equal lengths: B counts as the longer
      {2, 2, 7, 2, 2},   // no cut needed
      {0, 4, 5, 0, 2},   //
  };
  for (const Row& r : rows) {
    std::string a = repeat("a ", r.a), b = repeat("b ", r.b);
    EncodeOptions o;
    o.max_length = r.max_length;
    Encoding e = t.encode(a, b, o);
    Ids want = {2};
    want.insert(want.end(), r.keep_a, 13);
    want.push_back(3);
    want.insert(want.end(), r.keep_b, 14);
    want.push_back(3);
    EXPECT_EQ(e.input_ids, want) << r.a << "+" << r.b << " max_length " << r.max_length;
  }
}

TEST(Tokenizer, TruncationSingleKeepsSpecialTokens) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  EncodeOptions o;
  o.max_length = 4;
  EXPECT_EQ(ids(t, "a b c d e", std::nullopt, o), (Ids{2, 13, 14, 3}));
  o.max_length = 2;
  EXPECT_EQ(ids(t, "a b c", std::nullopt, o), (Ids{2, 3}));
  o.max_length = 1;
  EXPECT_THROW(t.encode("a", std::nullopt, o), Error);
  o.truncation = false;
  EXPECT_EQ(ids(t, "a b c", std::nullopt, o).size(), 5u);
  // Default: model_max_length (512 when nothing sets it).
  EXPECT_EQ(t.model_max_length(), 512u);
  EXPECT_EQ(ids(t, repeat("a ", 600)).size(), 512u);
}

TEST(Tokenizer, Padding) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  EncodeOptions o;
  o.max_length = 6;
  o.padding = EncodeOptions::Padding::kMaxLength;
  Encoding e = t.encode("a b", std::nullopt, o);
  EXPECT_EQ(e.input_ids, (Ids{2, 13, 14, 3, 0, 0}));
  EXPECT_EQ(e.attention_mask, (Ids{1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(e.token_type_ids, (Ids{0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.tokens.back(), "[PAD]");
  EXPECT_EQ(t.pad_id(), 0);

  EncodeOptions longest;
  longest.padding = EncodeOptions::Padding::kLongest;
  std::vector<Encoding> batch = t.encode_batch({"a", "a b c", ""}, longest);
  ASSERT_EQ(batch.size(), 3u);
  for (const Encoding& b : batch) EXPECT_EQ(b.input_ids.size(), 5u);
  EXPECT_EQ(batch[0].attention_mask, (Ids{1, 1, 1, 0, 0}));
  EXPECT_EQ(batch[2].input_ids, (Ids{2, 3, 0, 0, 0}));
}

TEST(Tokenizer, PaddingAndTruncationSectionsOfTokenizerJson) {
  TempDir dir;
  nlohmann::json j = tiny_tokenizer_json();
  j["truncation"] = {{"max_length", 5}, {"strategy", "LongestFirst"}, {"direction", "Left"}, {"stride", 0}};
  j["padding"] = {{"strategy", "BatchLongest"}, {"direction", "Left"},
                  {"pad_to_multiple_of", 4},    {"pad_id", 4},
                  {"pad_type_id", 1},           {"pad_token", "[MASK]"}};
  Tokenizer t = tiny(dir, j);
  EXPECT_EQ(t.model_max_length(), 5u);
  EXPECT_EQ(ids(t, "a b c x y"), (Ids{2, 15, 16, 17, 3}));  // direction Left: the end of the text stays
  EncodeOptions o;
  o.padding = EncodeOptions::Padding::kLongest;
  std::vector<Encoding> batch = t.encode_batch({"a", "a b c"}, o);  // 3 and 5 tokens -> 8 (multiple of 4)
  EXPECT_EQ(batch[0].input_ids, (Ids{4, 4, 4, 4, 4, 2, 13, 3}));
  EXPECT_EQ(batch[0].token_type_ids, (Ids{1, 1, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(batch[1].attention_mask, (Ids{0, 0, 0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(t.pad_id(), 4);
}

TEST(Tokenizer, ModelMaxLengthFromTokenizerConfig) {
  TempDir dir;
  dir.write("tokenizer_config.json", R"({"model_max_length": 7, "do_lower_case": true})");
  Tokenizer t = tiny(dir);
  EXPECT_EQ(t.model_max_length(), 7u);
  EXPECT_EQ(ids(t, repeat("a ", 20)).size(), 7u);
  dir.write("tokenizer_config.json", R"({"model_max_length": 1000000000000000019884624838656})");
  EXPECT_EQ(tiny(dir).model_max_length(), 512u);  // HF's "no limit" sentinel
}

TEST(Tokenizer, VocabTxtForm) {
  TempDir dir;
  dir.write("vocab.txt", vocab_txt(kTinyVocab));
  Tokenizer uncased = Tokenizer::from_folder(dir.path());
  EXPECT_EQ(ids(uncased, "Hello, Caf\u00e9 unaffable [SEP]"), (Ids{2, 8, 10, 12, 5, 6, 7, 3, 3}));
  Tokenizer cased = Tokenizer::from_vocab(dir.path() / "vocab.txt", /*lowercase=*/false);
  EXPECT_EQ(ids(cased, "Hello hello Caf\u00e9"), (Ids{2, 23, 8, 1, 3}));  // no lowercasing, accents kept
  dir.write("tokenizer_config.json", R"({"do_lower_case": false, "model_max_length": 64})");
  Tokenizer configured = Tokenizer::from_folder(dir.path());
  EXPECT_EQ(ids(configured, "Hello"), (Ids{2, 23, 3}));
  EXPECT_EQ(configured.model_max_length(), 64u);
  EXPECT_EQ(configured.vocab_size(), kTinyVocab.size());
  EXPECT_EQ(configured.token_to_id("##able"), 7);
  EXPECT_EQ(configured.token_to_id("nope"), std::nullopt);
  EXPECT_EQ(configured.id_to_token(19), "\u4e2d");
  EXPECT_THROW(configured.id_to_token(static_cast<int64_t>(kTinyVocab.size())), Error);
  EXPECT_THROW(configured.id_to_token(-1), Error);
}

TEST(Tokenizer, BothFormsOfTheRealVocabularyAgree) {
  auto dir = sparrow::testing::source_dir() / "data/vocab/bert-base-uncased";
  Tokenizer json = Tokenizer::from_tokenizer_json(dir / "tokenizer.json");
  Tokenizer txt = Tokenizer::from_vocab(dir / "vocab.txt");
  for (const char* text : {"He's a dreadful magician.", "Cr\u00e8me br\u00fbl\u00e9e [MASK] \u5317\u4eac!",
                           "unaffable tokenization"}) {
    EXPECT_EQ(json.encode(text).input_ids, txt.encode(text).input_ids) << text;
  }
  EXPECT_EQ(json.encode("He's a dreadful magician.").input_ids,
            (Ids{101, 2002, 1005, 1055, 1037, 21794, 16669, 1012, 102}));
  EXPECT_EQ(json.vocab_size(), 30522u);
}

TEST(Tokenizer, InvalidUtf8NamesTheByteOffset) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  struct Row {
    std::string text;
    const char* message;
  } rows[] = {
      {"ab\xff", "at byte offset 2: byte 0xff never starts a character"},
      {"abc\xc3", "at byte offset 3: sequence truncated"},
      {"\x80", "at byte offset 0: unexpected continuation byte"},
      {"x\xc0\xaf", "at byte offset 1: byte 0xc0 never starts"},  // overlong "/"
      {"xy\xe0\x80\xaf", "at byte offset 2: overlong encoding"},
      {"\xed\xa0\x80", "encoded surrogate"},
      {"\xf4\x90\x80\x80", "above U+10FFFF"},
      {"a\xc3(", "at byte offset 1: missing continuation byte"},
  };
  for (const Row& r : rows) {
    try {
      t.encode(r.text);
      ADD_FAILURE() << "no error for " << r.message;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(r.message), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("invalid UTF-8 in text"), std::string::npos) << e.what();
    }
  }
  try {
    t.encode("fine", std::string_view("\xff"));
    ADD_FAILURE() << "no error for the second text";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("second text at byte offset 0"), std::string::npos) << e.what();
  }
}

// Each would take minutes with quadratic work; the test's timeout is the check.
TEST(Tokenizer, HostileInputsStayFast) {
  TempDir dir;
  Tokenizer t = tiny(dir);
  EncodeOptions o;
  o.truncation = false;
  EXPECT_EQ(ids(t, std::string(2'000'000, 'a'), std::nullopt, o), (Ids{2, 1, 3}));  // one word over 100 chars
  EXPECT_EQ(ids(t, std::string(200'000, '!'), std::nullopt, o).size(), 200'002u);
  EXPECT_EQ(ids(t, repeat("a ", 500'000), std::nullopt, o).size(), 500'002u);
  // 300k combining marks of alternating classes after one base: canonical reordering must not be quadratic.
  EXPECT_EQ(ids(t, "a" + repeat("\u0301\u0316", 150'000), std::nullopt, o), (Ids{2, 13, 3}));
  EXPECT_EQ(ids(t, repeat("[CLS]", 100'000), std::nullopt, o).size(), 100'002u);
  EXPECT_EQ(ids(t, repeat("\u4e2d", 200'000), std::nullopt, o).size(), 200'002u);
}

}  // namespace
}  // namespace sparrow::tokenizer::testing
