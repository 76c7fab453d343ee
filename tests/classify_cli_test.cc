// `sparrow classify` and `sparrow eval` as a user runs them: Hugging Face's
// pipeline JSON on stdout, JSON lines for --file, progress and throughput on
// stderr, the SST-2 dev accuracy, and clear errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "support/cli.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

namespace fs = std::filesystem;

fs::path work_dir() {
  return build_dir() / "classify_cli_test" / std::to_string(getpid());
}

std::string sst2() {
  return shell_quote((shared_dir() / "data/models/sst2-tiny-sparse-int8").string());
}

double golden_score(size_t example) {
  std::ifstream f(shared_dir() / "data/models/sst2-tiny-sparse-int8/golden.json");
  return nlohmann::json::parse(f)["examples"][example]["score"].get<double>();
}

fs::path write_file(const std::string& name, const std::string& text) {
  fs::create_directories(work_dir());
  fs::path p = work_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

// Python's json.dumps(pipeline("He's a dreadful magician.")): one list holding
// one dict, ", " and ": ".
TEST(ClassifyCli, PrintsTheHfPipelineJson) {
  CliResult r = run_cli("classify -m " + sst2() + " " + shell_quote("He's a dreadful magician."));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(\[\{"label": "negative", "score": 0\.99[0-9]+\}\]\n)")))
      << r.out;
  EXPECT_EQ(r.err, "");
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j[0]["score"].get<double>(), golden_score(0), 1e-4);
}

// pipeline([a, b]) without top_k: a list with one dict per text.
TEST(ClassifyCli, SeveralTextsGiveOneDictEach) {
  CliResult r = run_cli("classify -m " + sst2() + " " + shell_quote("He's a dreadful magician.") + " " +
                        shell_quote("A gorgeous, witty, seductive movie."));
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["label"], "negative");
  EXPECT_EQ(j[1]["label"], "positive");
  EXPECT_NEAR(j[1]["score"].get<double>(), golden_score(1), 1e-4);
}

// top_k given: a list of dicts per text, best first; several texts give a list
// of such lists.
TEST(ClassifyCli, TopK) {
  for (const char* k : {"all", "0", "2"}) {
    CliResult r = run_cli("classify --top-k " + std::string(k) + " -m " + sst2() + " " +
                          shell_quote("He's a dreadful magician."));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(std::regex_match(
        r.out,
        std::regex(
            R"(\[\{"label": "negative", "score": [0-9.e-]+\}, \{"label": "positive", "score": [0-9.e-]+\}\]\n)")))
        << r.out;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_NEAR(j[0]["score"].get<double>() + j[1]["score"].get<double>(), 1.0, 1e-12);
  }
  CliResult r = run_cli("classify --top-k 1 -m " + sst2() + " a b");
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_TRUE(j[0].is_array());
  EXPECT_EQ(j[0].size(), 1u);
}

// --file with a GLUE TSV: one JSON line per sentence (labels ignored),
// throughput on stderr.
TEST(ClassifyCli, FileWithGlueTsv) {
  fs::path tsv = write_file("small.tsv",
                            "sentence\tlabel\nHe's a dreadful magician.\t0\nA gorgeous, "
                            "witty, seductive movie.\t1\n"
                            "The plot is predictable and the acting is wooden.\t0\n");
  CliResult r = run_cli("classify -m " + sst2() + " --file " + shell_quote(tsv.string()) + " --batch-size 2");
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<std::string> want = {"negative", "positive", "negative"};
  std::string line;
  size_t n = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(n, want.size()) << r.out;
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j[0]["label"], want[n]);
    EXPECT_NEAR(j[0]["score"].get<double>(), golden_score(n), 1e-4);
    ++n;
  }
  EXPECT_EQ(n, 3u);
  EXPECT_NE(r.err.find("3 texts in"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("texts/s"), std::string::npos) << r.err;
}

// The GLUE test split's header (index, sentence) and a plain file with one text
// per line.
TEST(ClassifyCli, FileWithIndexTsvAndPlainLines) {
  fs::path tsv = write_file("test.tsv",
                            "index\tsentence\n0\tHe's a dreadful magician.\n1\tA "
                            "gorgeous, witty, seductive movie.\n");
  CliResult r = run_cli("classify -m " + sst2() + " --file " + shell_quote(tsv.string()));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(\[\{"label": "negative", "score": [0-9.]+\}\]\n)"
                                                 R"(\[\{"label": "positive", "score": [0-9.]+\}\]\n)")))
      << r.out;
  fs::path txt =
      write_file("lines.txt", "He's a dreadful magician.\r\n\nA gorgeous, witty, seductive movie.");
  CliResult p = run_cli("classify --top-k all -m " + sst2() + " --file " + shell_quote(txt.string()));
  ASSERT_EQ(p.status, 0) << p.err;
  std::istringstream lines(p.out);
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(lines, first) && std::getline(lines, second)) << p.out;
  EXPECT_FALSE(std::getline(lines, extra));
  EXPECT_EQ(nlohmann::json::parse(first).size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(second)[0]["label"], "positive");
}

TEST(ClassifyCli, EvalReportsDevAccuracy) {
  std::string dev = shell_quote((shared_dir() / "data/sst2/dev.tsv").string());
  CliResult r = run_cli("eval -m " + sst2() + " --data " + dev);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("accuracy 81.31% (709/872)"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nnegative +[0-9]+ +[0-9]+ +428 )"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\npositive +[0-9]+ +[0-9]+ +444 )"))) << r.out;
  EXPECT_NE(r.err.find("872 texts in"), std::string::npos) << r.err;
  std::printf("%s%s", r.out.c_str(), r.err.c_str());
  // Dense (rate 1) and every 80%-sparse layer on a sparse format (0.75): the same answers.
  for (const char* rate : {"1", "0.75"}) {
    CliResult s = run_cli("eval -m " + sst2() + " --data " + dev + " --sparse-rate " + rate);
    ASSERT_EQ(s.status, 0) << s.err;
    EXPECT_EQ(s.out, r.out) << "--sparse-rate " << rate;
  }
}

// --json on a small TSV whose answers are known (the README's examples; labels may also be names).
TEST(ClassifyCli, EvalJson) {
  fs::path tsv =
      write_file("eval.tsv",
                 "sentence\tlabel\nHe's a dreadful magician.\t0\nA gorgeous, witty, seductive movie.\t1\n"
                 "The plot is predictable and the acting is wooden.\tpositive\n");
  CliResult j = run_cli("eval --json -m " + sst2() + " --data " + shell_quote(tsv.string()));
  ASSERT_EQ(j.status, 0) << j.err;
  auto k = nlohmann::json::parse(j.out);
  EXPECT_EQ(k["correct"], 2);
  EXPECT_EQ(k["total"], 3);
  EXPECT_NEAR(k["accuracy"].get<double>(), 2.0 / 3, 1e-15);
  EXPECT_EQ(k["labels"], (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(k["confusion"], nlohmann::json::parse("[[1, 0], [1, 1]]"));
  EXPECT_EQ(k["per_class"]["positive"]["count"], 2);
  EXPECT_EQ(k["per_class"]["positive"]["predicted"], 1);
  EXPECT_EQ(k["per_class"]["positive"]["correct"], 1);
  EXPECT_EQ(k["per_class"]["negative"]["predicted"], 2);
}

struct BadCase {
  std::string args;
  std::string message;  // expected in stderr
};

TEST(ClassifyCli, BadFlagsAndMissingFilesFailClearly) {
  std::string dir = work_dir().string();
  fs::path unlabelled = write_file("unlabelled.tsv", "index\tsentence\n0\tfine\n");
  fs::path ragged = write_file("ragged.tsv", "sentence\tlabel\nfine\t1\nno label here\n");
  fs::path bad_label = write_file("bad_label.tsv", "sentence\tlabel\nfine\t7\n");
  const std::vector<BadCase> cases = {
      {"classify -m " + sst2() + " --no-such-flag x", "no-such-flag"},
      {"classify -m " + sst2(), "nothing to classify"},
      {"classify -m " + sst2() + " --top-k many x", "--top-k"},
      {"classify -m " + sst2() + " --batch-size 0 x", "--batch-size"},
      {"classify -m " + sst2() + " --file " + shell_quote(dir + "/missing.txt"),
       "missing.txt: cannot open (no such file)"},
      {"classify -m " + sst2() + " --file " + shell_quote(dir + "/x") + " text", "not both"},
      {"classify -m " + shell_quote(dir + "/no-model") + " x", "no-model"},
      {"classify x", "--model"},
      {"eval -m " + sst2(), "--data"},
      {"eval -m " + sst2() + " --data " + shell_quote(dir + "/missing.tsv"), "missing.tsv: cannot open"},
      {"eval -m " + sst2() + " --data " + shell_quote(unlabelled.string()), "`label`"},
      {"eval -m " + sst2() + " --data " + shell_quote(ragged.string()),
       "ragged.tsv:3: expected 2 tab-separated fields"},
      {"eval -m " + sst2() + " --data " + shell_quote(bad_label.string()),
       "bad_label.tsv:2: label 7 is not a class id"},
  };
  for (const BadCase& c : cases) {
    CliResult r = run_cli(c.args);
    EXPECT_NE(r.status, 0) << c.args;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << c.args;
  }
}

}  // namespace
}  // namespace sparrow::testing
