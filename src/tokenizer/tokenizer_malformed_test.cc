// Malformed tokenizer files: each gets a specific error naming the file and what is wrong.
#include <gtest/gtest.h>

#include <functional>

#include "sparrow/error.h"
#include "support/errors.h"
#include "sparrow/tokenizer.h"
#include "tokenizer/tokenizer_test_util.h"

namespace sparrow::tokenizer::testing {
namespace {

using nlohmann::json;

using ::sparrow::testing::error_of;

std::string json_error(const std::string& text) {
  TempDir dir;
  auto file = dir.write("tokenizer.json", text);
  return error_of([&] { Tokenizer::from_tokenizer_json(file); });
}

std::string json_error(const std::function<void(json&)>& mutate) {
  json j = tiny_tokenizer_json();
  mutate(j);
  return json_error(j.dump());
}

#define EXPECT_ERROR(message, expected) \
  EXPECT_NE((message).find(expected), std::string::npos) << "got: " << (message)

TEST(TokenizerMalformed, TokenizerJson) {
  struct Row {
    const char* what;
    std::function<void(json&)> mutate;
    const char* expected;
  } rows[] = {
      {"top level", [](json& j) { j = json::array(); }, "the top level must be an object, found array"},
      {"no model", [](json& j) { j.erase("model"); }, "tokenizer.json has no \"model\""},
      {"null model", [](json& j) { j["model"] = nullptr; }, "has no \"model\""},
      {"BPE", [](json& j) { j["model"]["type"] = "BPE"; }, "unsupported model type \"BPE\""},
      {"vocab type", [](json& j) { j["model"]["vocab"] = json::array(); },
       "model.vocab must be an object (token -> id), found array"},
      {"no vocab", [](json& j) { j["model"].erase("vocab"); }, "model has no \"vocab\""},
      {"id type", [](json& j) { j["model"]["vocab"]["a"] = "13"; },
       "model.vocab[\"a\"] must be an integer, found string"},
      {"negative id", [](json& j) { j["model"]["vocab"]["a"] = -1; },
       "model.vocab[\"a\"] = -1 is out of range"},
      {"fractional id", [](json& j) { j["model"]["vocab"]["a"] = 1.5; }, "must be an integer, found number"},
      {"id gap", [](json& j) { j["model"]["vocab"]["a"] = 1000; },
       "model.vocab[\"a\"] = 1000 but the vocabulary has 24 entries (ids must be 0..23)"},
      {"duplicate id", [](json& j) { j["model"]["vocab"]["a"] = 14; }, "model.vocab id 14 is used by both"},
      {"no unk", [](json& j) { j["model"]["unk_token"] = "<unk>"; },
       "the unknown token \"<unk>\" is not in the vocabulary"},
      {"unk type", [](json& j) { j["model"]["unk_token"] = 1; },
       "model.unk_token must be a string, found number"},
      {"max chars", [](json& j) { j["model"]["max_input_chars_per_word"] = "100"; },
       "model.max_input_chars_per_word must be an integer, found string"},
      {"normalizer type", [](json& j) { j["normalizer"]["type"] = "NFKC"; },
       "unsupported normalizer type \"NFKC\" (sparrow reads BertNormalizer)"},
      {"normalizer field", [](json& j) { j["normalizer"]["lowercase"] = "yes"; },
       "normalizer.lowercase must be a boolean, found string"},
      {"strip_accents", [](json& j) { j["normalizer"]["strip_accents"] = 0; },
       "normalizer.strip_accents must be a boolean or null, found number"},
      {"normalizer untyped", [](json& j) { j["normalizer"].erase("type"); }, "normalizer has no \"type\""},
      {"pre_tokenizer", [](json& j) { j["pre_tokenizer"]["type"] = "ByteLevel"; },
       "unsupported pre_tokenizer type \"ByteLevel\""},
      {"post_processor", [](json& j) { j["post_processor"]["type"] = "RobertaProcessing"; },
       "unsupported post_processor type \"RobertaProcessing\""},
      {"template reference", [](json& j) { j["post_processor"]["special_tokens"].erase("[SEP]"); },
       "post_processor.single[2] names special token \"[SEP]\" that post_processor.special_tokens lacks"},
      {"template piece",
       [](json& j) {
         j["post_processor"]["pair"][1] = {{"Seq", 1}};
       },
       "post_processor.pair[1] must hold \"Sequence\" or \"SpecialToken\""},
      {"template sequence", [](json& j) { j["post_processor"]["pair"][3]["Sequence"]["id"] = "C"; },
       "post_processor.pair[3].Sequence.id must be \"A\" or \"B\", found \"C\""},
      {"template without B", [](json& j) { j["post_processor"]["pair"].erase(3); },
       "post_processor.pair must contain sequences A and B once each"},
      {"special id range", [](json& j) { j["post_processor"]["special_tokens"]["[CLS]"]["ids"] = {99999}; },
       "special token id 99999 is outside the vocabulary (0..23)"},
      {"ids vs tokens",
       [](json& j) {
         j["post_processor"]["special_tokens"]["[CLS]"]["ids"] = {2, 3};
       },
       "has 2 ids but 1 tokens"},
      {"added tokens type", [](json& j) { j["added_tokens"] = json::object(); },
       "added_tokens must be an array, found object"},
      {"added token id", [](json& j) { j["added_tokens"][1]["id"] = 5; },
       "added token \"[UNK]\" has id 5, which the vocabulary gives to \"un\""},
      {"added token content", [](json& j) { j["added_tokens"][0]["content"] = ""; }, "has empty content"},
      {"added token field", [](json& j) { j["added_tokens"][2]["special"] = "true"; },
       "added_tokens[2].special must be a boolean, found string"},
      {"truncation strategy",
       [](json& j) {
         j["truncation"] = {{"max_length", 8}, {"strategy", "Middle"}};
       },
       "truncation.strategy \"Middle\" is not LongestFirst, OnlyFirst or OnlySecond"},
      {"truncation length",
       [](json& j) {
         j["truncation"] = {{"strategy", "LongestFirst"}};
       },
       "truncation has no \"max_length\""},
      {"padding direction",
       [](json& j) {
         j["padding"] = {{"direction", "Up"}};
       },
       "padding.direction \"Up\" is not Left or Right"},
      {"pad id",
       [](json& j) {
         j["padding"] = {{"pad_id", 500}};
       },
       "padding.pad_id 500 is outside the vocabulary"},
      {"valid file", [](json&) {}, "(no error)"},
  };
  for (const Row& r : rows) EXPECT_ERROR(json_error(r.mutate), r.expected) << r.what;
}

TEST(TokenizerMalformed, BrokenJsonAndFiles) {
  EXPECT_ERROR(json_error("{\"model\": "), "tokenizer.json: invalid JSON: ");
  EXPECT_ERROR(json_error(""), "invalid JSON");
  // nlohmann rejects invalid UTF-8 inside JSON strings while parsing.
  EXPECT_ERROR(json_error("{\"model\": {\"unk_token\": \"\xff\"}}"), "invalid JSON");
  EXPECT_ERROR(error_of([] { Tokenizer::from_tokenizer_json("/nonexistent/tokenizer.json"); }),
               "cannot open /nonexistent/tokenizer.json");
  TempDir dir;
  EXPECT_ERROR(error_of([&] { Tokenizer::from_folder(dir.path()); }),
               "has neither tokenizer.json nor vocab.txt");
  EXPECT_ERROR(error_of([&] { Tokenizer::from_folder(dir.path() / "missing"); }), "does not exist");
  dir.write("tokenizer.json", tiny_tokenizer_json().dump());
  dir.write("tokenizer_config.json", "{not json");
  EXPECT_ERROR(error_of([&] { Tokenizer::from_folder(dir.path()); }), "tokenizer_config.json: invalid JSON");
  dir.write("tokenizer_config.json", R"({"model_max_length": "512"})");
  EXPECT_ERROR(error_of([&] { Tokenizer::from_folder(dir.path()); }),
               "model_max_length must be a number, found string");
  dir.write("tokenizer_config.json", R"({"model_max_length": 0})");
  EXPECT_ERROR(error_of([&] { Tokenizer::from_folder(dir.path()); }),
               "model_max_length = 0 must be positive");
}

TEST(TokenizerMalformed, VocabTxt) {
  struct Row {
    std::string text;
    const char* expected;
  } rows[] = {
      {"", "the vocabulary is empty"},
      {"[UNK]\n[CLS]\n\n[SEP]\n", "line 3 is empty"},
      {"[UNK]\n[CLS]\n[SEP]\nx\n[CLS]\n", "line 5 repeats token \"[CLS]\" of line 2"},
      {"[CLS]\n[SEP]\nx\n", "the vocabulary has no \"[UNK]\" token"},
      {"[UNK]\n[CLS]\nx\n", "the vocabulary has no \"[SEP]\" token"},
      {"[UNK]\n[CLS]\n[SEP]\nab\xc3\n", "invalid UTF-8 in "},
  };
  for (const Row& r : rows) {
    TempDir dir;
    auto file = dir.write("vocab.txt", r.text);
    std::string message = error_of([&] { Tokenizer::from_vocab(file); });
    EXPECT_ERROR(message, r.expected);
    EXPECT_ERROR(message, file.string());
  }
  TempDir dir;
  auto file = dir.write("vocab.txt", "[UNK]\n[CLS]\n[SEP]\nab\xc3\n");
  EXPECT_ERROR(error_of([&] { Tokenizer::from_vocab(file); }), "vocab.txt line 4 at byte offset 2");
  // CRLF line ends are accepted, as Python's universal newlines read them.
  file = dir.write("vocab.txt", "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\r\n");
  EXPECT_EQ(Tokenizer::from_vocab(file).encode("Hello").input_ids, (std::vector<int64_t>{2, 4, 3}));
}

}  // namespace
}  // namespace sparrow::tokenizer::testing
