// Shared by `sparrow classify` and `sparrow eval`: reading texts from files,
// progress on a terminal, and printing results the way Hugging Face's pipeline
// output looks under Python's json.dumps.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "sparrow/pipeline.h"

namespace sparrow::tools {

struct TextData {
  std::vector<std::string> texts;
  std::vector<std::string> labels;  // the label column of a TSV, one per text;
                                    // empty when the file has none
  std::vector<size_t> lines;        // 1-based line of each text, for messages
  bool tsv = false;
};

// A GLUE-style TSV when the first line is a tab-separated header naming a
// `sentence` column (also accepted: `text`, `content`), with an optional
// `label` column: `sentence\tlabel` (train/dev), `index\tsentence` (test).
// Otherwise one text per line; empty lines are skipped. A trailing '\r' and a
// UTF-8 byte order mark are removed. Throws sparrow::Error naming the file and
// line.
TextData read_text_file(const std::filesystem::path& path);

// Draws "[=====>    ] done/total texts, N texts/s" on stderr while stderr is a
// terminal; silent otherwise.
class Progress {
 public:
  explicit Progress(size_t total);
  void update(size_t done);
  void finish();  // clears the bar
  double seconds() const;

 private:
  size_t total_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// The throughput line printed on stderr at the end of a run.
void print_throughput(size_t texts, double seconds, const ClassifyOptions& options, size_t max_length);

// `[{"label": "negative", "score": 0.9913597460089744}, ...]`: separators and
// number format of Python's json.dumps (shortest round-trip repr), labels as
// UTF-8.
std::string classifications_json(const std::vector<Classification>& result);
std::string json_string(const std::string& s);
std::string json_number(double v);

}  // namespace sparrow::tools
