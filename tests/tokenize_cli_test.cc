// `sparrow tokenize` as a user runs it: JSON out, pairs, truncation, no special tokens, errors.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "support/cli.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

CliResult tokenize(const std::string& args) {
  return run_cli("tokenize -m " + shell_quote((source_dir() / "data/vocab/bert-base-uncased").string()) +
                 " " + args);
}

using Ids = std::vector<int64_t>;

TEST(TokenizerCli, PrintsIdsMasksTypesAndTokens) {
  CliResult r = tokenize("\"He's a dreadful magician.\"");
  ASSERT_EQ(r.status, 0) << r.output();
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["input_ids"].get<Ids>(), (Ids{101, 2002, 1005, 1055, 1037, 21794, 16669, 1012, 102}));
  EXPECT_EQ(j["attention_mask"].get<Ids>(), Ids(9, 1));
  EXPECT_EQ(j["token_type_ids"].get<Ids>(), Ids(9, 0));
  EXPECT_EQ(j["tokens"][5], "dreadful");
}

TEST(TokenizerCli, PairTruncationPaddingAndNoSpecialTokens) {
  CliResult r = tokenize("--max-length 6 \"Hello there\" \"General Kenobi\"");
  ASSERT_EQ(r.status, 0) << r.output();
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["tokens"].get<std::vector<std::string>>(),
            (std::vector<std::string>{"[CLS]", "hello", "[SEP]", "general", "ken", "[SEP]"}));
  EXPECT_EQ(j["token_type_ids"].get<Ids>(), (Ids{0, 0, 0, 1, 1, 1}));

  r = tokenize("--max-length 5 --pad hi");
  ASSERT_EQ(r.status, 0) << r.output();
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["input_ids"].get<Ids>(), (Ids{101, 7632, 102, 0, 0}));
  EXPECT_EQ(j["attention_mask"].get<Ids>(), (Ids{1, 1, 1, 0, 0}));

  r = tokenize("--no-special-tokens \"hello world\"");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_EQ(nlohmann::json::parse(r.out)["input_ids"].get<Ids>(), (Ids{7592, 2088}));
}

TEST(TokenizerCli, Errors) {
  CliResult r = tokenize("\"$(printf 'ab\\377')\"");  // popen's /bin/sh: printf makes the 0xff byte
  EXPECT_EQ(r.status, 1) << r.output();
  EXPECT_NE(r.output().find("invalid UTF-8 in text at byte offset 2"), std::string::npos) << r.output();
  r = tokenize("a b c");
  EXPECT_NE(r.status, 0) << r.output();
  EXPECT_NE(r.output().find("one text or a pair"), std::string::npos) << r.output();
  r = tokenize("--max-length 1 hi");
  EXPECT_EQ(r.status, 1) << r.output();
  EXPECT_NE(r.output().find("max_length 1 leaves no room for the 2 special tokens"), std::string::npos)
      << r.output();
}

}  // namespace
}  // namespace sparrow::testing
