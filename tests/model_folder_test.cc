// Hugging Face model folders: config.json parsing (good and malformed) and finding the IR in a folder.
#include "frontends/hf/model_folder.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "sparrow/error.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

namespace fs = std::filesystem;

fs::path work_dir() {
  fs::path dir =
      build_dir() / "model_folder_test" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The message of the sparrow::Error that reading `json` as config.json throws ("" when none).
std::string config_error(const std::string& json) {
  fs::path file = write(work_dir() / "config.json", json);
  try {
    hf::read_model_config(file);
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(file.string()), std::string::npos) << "the message names the file: " << msg;
    return msg;
  }
  return "";
}

TEST(ModelFolder, ReadsTheSst2Config) {
  hf::ModelConfig c = hf::read_model_config(shared_dir() / "data/models/sst2-tiny-sparse-int8/config.json");
  EXPECT_EQ(c.model_type, "bert");
  EXPECT_EQ(c.id2label, (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(c.max_position_embeddings, 128);
  EXPECT_EQ(c.pad_token_id, 0);
}

TEST(ModelFolder, OrdersLabelsByIdNotByKeyText) {
  // As JSON object keys sort, "10" comes before "2"; class ids are numbers.
  std::string labels;
  for (int i = 0; i < 12; ++i)
    labels += (i ? "," : "") + ("\"" + std::to_string(i) + "\": \"c" + std::to_string(i) + "\"");
  fs::path file = write(work_dir() / "config.json", "{\"id2label\": {" + labels + "}, \"pad_token_id\": 1}");
  hf::ModelConfig c = hf::read_model_config(file);
  ASSERT_EQ(c.id2label.size(), 12u);
  EXPECT_EQ(c.id2label[2], "c2");
  EXPECT_EQ(c.id2label[10], "c10");
  EXPECT_EQ(c.pad_token_id, 1);
  EXPECT_EQ(c.max_position_embeddings, 0) << "absent";
}

TEST(ModelFolder, DefaultsWithoutConfigOrLabels) {
  fs::path dir = work_dir();
  hf::ModelConfig none = hf::read_model_config(dir / "config.json");
  EXPECT_TRUE(none.id2label.empty());
  EXPECT_EQ(none.model_type, "");
  hf::ModelConfig no_labels =
      hf::read_model_config(write(dir / "config.json", R"({"model_type": "roberta"})"));
  EXPECT_TRUE(no_labels.id2label.empty()) << "the caller names classes from the model's output width";
  hf::ModelConfig counted = hf::read_model_config(write(dir / "config.json", R"({"num_labels": 3})"));
  EXPECT_EQ(counted.id2label, (std::vector<std::string>{"LABEL_0", "LABEL_1", "LABEL_2"}));
  EXPECT_EQ(hf::default_labels(2), (std::vector<std::string>{"LABEL_0", "LABEL_1"}));
  hf::ModelConfig nulls =
      hf::read_model_config(write(dir / "config.json", R"({"pad_token_id": null, "id2label": null})"));
  EXPECT_EQ(nulls.pad_token_id, 0);
}

TEST(ModelFolder, MalformedJsonNamesThePosition) {
  std::string msg = config_error("{\n  \"model_type\": \"bert\",\n  \"id2label\": {\"0\": \"a\",}\n}");
  EXPECT_NE(msg.find("invalid JSON at line 3, column 25"), std::string::npos) << msg;
  EXPECT_NE(config_error("").find("invalid JSON at line 1, column 1"), std::string::npos);
  EXPECT_NE(config_error("{\"model_type\": \"bert\"").find("invalid JSON"), std::string::npos);
  EXPECT_NE(config_error(R"({"max_position_embeddings": 1e99999})").find("invalid JSON: "),
            std::string::npos);
  EXPECT_NE(config_error("[1, 2]").find("expected a JSON object at the top level, found array"),
            std::string::npos);
}

TEST(ModelFolder, MalformedLabelsGetSpecificErrors) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"({"id2label": {"0": "a", "2": "c"}})",
       "id2label: class ids must be 0..1 without gaps; id 1 is missing"},
      {R"({"id2label": {"1": "b"}})", "id 0 is missing"},
      {R"({"id2label": {"zero": "a"}})", "id2label: key \"zero\" is not a class id"},
      {R"({"id2label": {"-1": "a"}})", "id2label: key \"-1\" is not a class id"},
      {R"({"id2label": {" 0": "a"}})", "id2label: key \" 0\" is not a class id"},
      {R"({"id2label": {"0": "a", "00": "b"}})", "id2label: class id 0 appears twice (key \"00\")"},
      {R"({"id2label": {"0": 5}})", "id2label[\"0\"]: expected a string, found number"},
      {R"({"id2label": ["a", "b"]})", "id2label: expected an object {\"0\": \"label\", ...}, found array"},
      {R"({"id2label": {"0": "a", "1": "b"}, "label2id": {"a": 1, "b": 0}})",
       "label2id[\"a\"] = 1 disagrees with id2label (id2label[\"1\"] = \"b\")"},
      {R"({"id2label": {"0": "a", "1": "b"}, "label2id": {"a": 0, "b": 7}})",
       "label2id[\"b\"] = 7 disagrees with id2label (no such class id)"},
      {R"({"id2label": {"0": "a", "1": "b"}, "label2id": {"a": 0}})",
       "label2id has 1 labels but id2label has 2"},
      {R"({"id2label": {"0": "a", "1": "b"}, "label2id": {"a": "0", "b": 1}})",
       "label2id[\"a\"]: expected an integer class id, found string"},
      {R"({"id2label": {"0": "a", "1": "a"}, "label2id": {"a": 1}})",
       "label2id has 1 labels but id2label has 2"},
      {R"({"label2id": {"a": 0}})", "label2id is given without id2label"},
      {R"({"id2label": {"0": "a"}, "num_labels": 2})", "num_labels is 2 but id2label has 1 labels"},
      {R"({"model_type": 3})", "model_type: expected a string, found number"},
      {R"({"max_position_embeddings": "512"})",
       "max_position_embeddings: expected a non-negative integer, found string"},
      {R"({"max_position_embeddings": 1.5})",
       "max_position_embeddings: expected a non-negative integer, found number 1.5"},
      {R"({"pad_token_id": -1})", "pad_token_id: expected a non-negative integer, found -1"},
  };
  for (const Case& c : cases) {
    std::string msg = config_error(c.json);
    EXPECT_NE(msg.find(c.message), std::string::npos) << c.json << "\n  gave: " << msg;
  }
}

TEST(ModelFolder, OpensAFolderAndNamesWhatIsMissing) {
  hf::ModelFolder sst2 = hf::open_model_folder(shared_dir() / "data/models/sst2-tiny-sparse-int8");
  EXPECT_EQ(sst2.xml.filename(), "openvino_model.xml");
  EXPECT_EQ(sst2.config.id2label.size(), 2u);

  fs::path dir = work_dir();
  EXPECT_THROW(hf::open_model_folder(dir / "absent"), Error);
  try {
    hf::open_model_folder(dir);
    ADD_FAILURE() << "an empty folder has no model";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no openvino_model.xml"), std::string::npos) << e.what();
  }
  write(dir / "model.xml", "<net/>");
  try {
    hf::open_model_folder(dir);
    ADD_FAILURE() << "an IR without weights";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.xml has no weights file model.bin"), std::string::npos)
        << e.what();
  }
  write(dir / "model.bin", "");
  hf::ModelFolder only = hf::open_model_folder(dir);
  EXPECT_EQ(only.xml, dir / "model.xml");
  EXPECT_TRUE(only.config.id2label.empty());
  write(dir / "other.xml", "<net/>");
  EXPECT_THROW(hf::open_model_folder(dir), Error) << "two IRs and no openvino_model.xml";
  write(dir / "config.json", "{");
  write(dir / "openvino_model.xml", "<net/>");
  write(dir / "openvino_model.bin", "");
  EXPECT_THROW(hf::open_model_folder(dir), Error) << "a malformed config.json is an error, not a default";
}

// Mutated copies of a real config.json (byte flips, cuts, splices of JSON tokens) either parse or throw
// sparrow::Error; never another exception type, a crash or a sanitizer report.
TEST(ModelFolder, MutatedConfigsFailCleanly) {
  const std::string original = [] {
    std::ifstream in(shared_dir() / "data/models/sst2-tiny-sparse-int8/config.json", std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  ASSERT_FALSE(original.empty());
  const char* tokens[] = {"{",
                          "}",
                          "[",
                          "]",
                          ",",
                          ":",
                          "\"",
                          "null",
                          "-1",
                          "1e999",
                          "18446744073709551615",
                          "\"\\u0000\"",
                          "\xff",
                          "\"0\"",
                          "\"id2label\"",
                          "\"label2id\"",
                          "true"};
  const uint32_t seed = 20261125;
  std::printf("mutation seed %u\n", seed);
  std::mt19937 rng(seed);
  fs::path file = work_dir() / "config.json";
  int parsed = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = original;
    for (int m = 1 + rng() % 3; m > 0 && !text.empty(); --m) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = static_cast<char>(rng());
          break;
        case 1:
          text.resize(at);
          break;
        case 2:
          text.insert(at, tokens[rng() % std::size(tokens)]);
          break;
        default:
          text.erase(at, 1 + rng() % 16);
      }
    }
    write(file, text);
    try {
      hf::read_model_config(file);
      ++parsed;
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "mutation " << i << " threw a non-sparrow error: " << e.what() << "\n" << text;
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace sparrow::testing
