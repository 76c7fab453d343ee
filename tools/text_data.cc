#include "text_data.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sparrow/error.h"

namespace sparrow::tools {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

// Index of the first header field equal to one of `names`, or -1.
int column(const std::vector<std::string>& header, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it != header.end()) return static_cast<int>(it - header.begin());
  }
  return -1;
}

}  // namespace

TextData read_text_file(const std::filesystem::path& path) {
  std::error_code ec;
  SPARROW_CHECK(!std::filesystem::is_directory(path, ec), path.string(),
                ": is a folder, expected a text file");
  std::ifstream f(path, std::ios::binary);
  SPARROW_CHECK(f.good(), path.string(), ": cannot open (",
                std::filesystem::exists(path, ec) ? "not readable" : "no such file", ")");
  TextData data;
  std::string line;
  size_t number = 0;
  int text_col = -1, label_col = -1;
  size_t fields_expected = 0;
  while (std::getline(f, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (number == 1 && line.find('\t') != std::string::npos) {
      std::vector<std::string> header = split_tabs(line);
      text_col = column(header, {"sentence", "text", "content"});
      if (text_col >= 0) {
        data.tsv = true;
        label_col = column(header, {"label"});
        fields_expected = header.size();
        continue;
      }
    }
    if (!data.tsv) {
      if (line.empty()) continue;
      data.texts.push_back(line);
      data.lines.push_back(number);
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> fields = split_tabs(line);
    SPARROW_CHECK(fields.size() == fields_expected, path.string(), ":", number, ": expected ",
                  fields_expected, " tab-separated fields as in the header, found ", fields.size());
    data.texts.push_back(fields[static_cast<size_t>(text_col)]);
    data.lines.push_back(number);
    if (label_col >= 0) data.labels.push_back(fields[static_cast<size_t>(label_col)]);
  }
  SPARROW_CHECK(!f.bad(), path.string(), ": read error after line ", number);
  return data;
}

Progress::Progress(size_t total)
    : total_(total),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(size_t done) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  constexpr int kWidth = 30;
  int filled = total_ ? static_cast<int>(kWidth * done / total_) : kWidth;
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kWidth) bar += '>';
  bar.resize(kWidth, ' ');
  double s = seconds();
  std::fprintf(stderr, "\r[%s] %zu/%zu texts, %.1f texts/s ", bar.c_str(), done, total_,
               s > 0 ? done / s : 0.0);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

void print_throughput(size_t texts, double seconds, const ClassifyOptions& options, size_t max_length) {
  std::fprintf(stderr, "%zu texts in %.2f s: %.1f texts/s (batch size %zu, max length %zu)\n", texts, seconds,
               seconds > 0 ? texts / seconds : 0.0, options.batch_size, max_length);
}

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump();
}

std::string json_number(double v) {
  return nlohmann::json(v).dump();
}

std::string classifications_json(const std::vector<Classification>& result) {
  std::string out = "[";
  for (size_t i = 0; i < result.size(); ++i) {
    if (i) out += ", ";
    out +=
        "{\"label\": " + json_string(result[i].label) + ", \"score\": " + json_number(result[i].score) + "}";
  }
  return out + "]";
}

}  // namespace sparrow::tools
