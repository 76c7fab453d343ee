#include "frontends/hf/model_folder.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "sparrow/error.h"

namespace sparrow::hf {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// config.json files are a few KB; anything near this is not a config.
constexpr uintmax_t kMaxConfigBytes = 16u << 20;

std::string read_text(const fs::path& path) {
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  SPARROW_CHECK(!ec, path.string(), ": cannot read: ", ec.message());
  SPARROW_CHECK(size <= kMaxConfigBytes, path.string(), ": ", size,
                " bytes is too large for a config file (limit ", kMaxConfigBytes, ")");
  std::ifstream in(path, std::ios::binary);
  SPARROW_CHECK(in, path.string(), ": cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  SPARROW_CHECK(!in.bad(), path.string(), ": read error");
  return s.str();
}

// "line L, column C" of a byte offset, both from 1.
std::string position_of(const std::string& text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

// Class ids are the decimal keys 0..n-1 (Python's int(key) in transformers); no signs, no spaces.
int64_t parse_class_id(const fs::path& file, const std::string& key) {
  bool digits = !key.empty() && key.size() <= 9;
  for (char c : key) digits = digits && c >= '0' && c <= '9';
  SPARROW_CHECK(digits, file.string(), ": id2label: key \"", key,
                "\" is not a class id (expected \"0\", \"1\", ...)");
  return std::stoll(key);
}

std::vector<std::string> read_id2label(const fs::path& file, const json& j) {
  SPARROW_CHECK(j.is_object(), file.string(),
                ": id2label: expected an object {\"0\": \"label\", ...}, found ", j.type_name());
  std::map<int64_t, std::string> by_id;
  for (const auto& [key, value] : j.items()) {
    int64_t id = parse_class_id(file, key);
    SPARROW_CHECK(value.is_string(), file.string(), ": id2label[\"", key, "\"]: expected a string, found ",
                  value.type_name());
    SPARROW_CHECK(by_id.emplace(id, value.get<std::string>()).second, file.string(), ": id2label: class id ",
                  id, " appears twice (key \"", key, "\")");
  }
  std::vector<std::string> labels;
  for (const auto& [id, label] : by_id) {
    SPARROW_CHECK(id == static_cast<int64_t>(labels.size()), file.string(),
                  ": id2label: class ids must be 0..", by_id.size() - 1, " without gaps; id ", labels.size(),
                  " is missing");
    labels.push_back(label);
  }
  return labels;
}

void check_label2id(const fs::path& file, const json& j, const std::vector<std::string>& id2label) {
  SPARROW_CHECK(j.is_object(), file.string(), ": label2id: expected an object {\"label\": 0, ...}, found ",
                j.type_name());
  for (const auto& [label, value] : j.items()) {
    SPARROW_CHECK(value.is_number_integer(), file.string(), ": label2id[\"", label,
                  "\"]: expected an integer class id, found ", value.type_name());
    int64_t id = value.get<int64_t>();
    SPARROW_CHECK(id >= 0 && id < static_cast<int64_t>(id2label.size()) && id2label[id] == label,
                  file.string(), ": label2id[\"", label, "\"] = ", id, " disagrees with id2label",
                  (id >= 0 && id < static_cast<int64_t>(id2label.size())
                       ? " (id2label[\"" + std::to_string(id) + "\"] = \"" + id2label[id] + "\")"
                       : std::string(" (no such class id)")));
  }
  SPARROW_CHECK(j.size() == id2label.size(), file.string(), ": label2id has ", j.size(),
                " labels but id2label has ", id2label.size(), " (labels must be distinct)");
}

int64_t read_count(const fs::path& file, const json& config, const char* field) {
  const json& v = config.at(field);
  SPARROW_CHECK(v.is_number_integer(), file.string(), ": ", field,
                ": expected a non-negative integer, found ", v.type_name(),
                v.is_primitive() ? " " + v.dump() : std::string());
  int64_t n = v.get<int64_t>();
  SPARROW_CHECK(n >= 0, file.string(), ": ", field, ": expected a non-negative integer, found ", n);
  return n;
}

}  // namespace

std::vector<std::string> default_labels(size_t count) {
  std::vector<std::string> labels;
  for (size_t i = 0; i < count; ++i) labels.push_back("LABEL_" + std::to_string(i));
  return labels;
}

ModelConfig read_model_config(const fs::path& file) {
  ModelConfig config;
  std::error_code ec;
  if (!fs::exists(file, ec)) return config;
  std::string text = read_text(file);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    size_t byte = e.byte > 0 ? e.byte - 1 : 0;
    fail(file.string(), ": invalid JSON at ", position_of(text, byte), " (byte ", byte, "): ", e.what());
  } catch (const json::exception& e) {  // a number out of range (out_of_range.406) has no position
    fail(file.string(), ": invalid JSON: ", e.what());
  }
  SPARROW_CHECK(j.is_object(), file.string(), ": expected a JSON object at the top level, found ",
                j.type_name());

  if (j.contains("model_type") && !j["model_type"].is_null()) {
    SPARROW_CHECK(j["model_type"].is_string(), file.string(), ": model_type: expected a string, found ",
                  j["model_type"].type_name());
    config.model_type = j["model_type"].get<std::string>();
  }
  if (j.contains("id2label") && !j["id2label"].is_null()) {
    config.id2label = read_id2label(file, j["id2label"]);
    if (j.contains("label2id") && !j["label2id"].is_null())
      check_label2id(file, j["label2id"], config.id2label);
  } else if (j.contains("label2id") && !j["label2id"].is_null()) {
    fail(file.string(), ": label2id is given without id2label; class ids need id2label");
  } else if (j.contains("num_labels") && !j["num_labels"].is_null()) {
    config.id2label = default_labels(read_count(file, j, "num_labels"));
  }
  if (j.contains("num_labels") && !j["num_labels"].is_null()) {
    int64_t n = read_count(file, j, "num_labels");
    SPARROW_CHECK(n == static_cast<int64_t>(config.id2label.size()), file.string(), ": num_labels is ", n,
                  " but id2label has ", config.id2label.size(), " labels");
  }
  if (j.contains("max_position_embeddings") && !j["max_position_embeddings"].is_null())
    config.max_position_embeddings = read_count(file, j, "max_position_embeddings");
  if (j.contains("pad_token_id") && !j["pad_token_id"].is_null())
    config.pad_token_id = read_count(file, j, "pad_token_id");
  return config;
}

ModelFolder open_model_folder(const fs::path& dir) {
  std::error_code ec;
  SPARROW_CHECK(fs::is_directory(dir, ec), dir.string(), ": not a model folder (no such directory)");
  ModelFolder folder;
  folder.dir = dir;
  fs::path xml = dir / "openvino_model.xml";
  if (fs::exists(xml, ec)) {
    folder.xml = xml;
  } else {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() != ".xml") continue;
      SPARROW_CHECK(folder.xml.empty(), dir.string(),
                    ": the folder has several .xml files and no openvino_model.xml; name one");
      folder.xml = entry.path();
    }
    SPARROW_CHECK(!ec, dir.string(), ": cannot list the folder: ", ec.message());
    SPARROW_CHECK(!folder.xml.empty(), dir.string(),
                  ": the folder has no openvino_model.xml (an OpenVINO IR)");
  }
  fs::path bin = fs::path(folder.xml).replace_extension(".bin");
  SPARROW_CHECK(fs::exists(bin, ec), dir.string(), ": ", folder.xml.filename().string(),
                " has no weights file ", bin.filename().string(), " beside it");
  folder.config = read_model_config(dir / "config.json");
  return folder;
}

}  // namespace sparrow::hf
