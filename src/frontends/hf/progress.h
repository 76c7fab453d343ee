// A one-line download progress bar on stderr, redrawn at most ten times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sparrow::hf {

class Progress {
 public:
  // total 0: unknown. A disabled bar draws nothing.
  Progress(std::string name, uint64_t total, bool enabled);
  ~Progress() { finish(); }
  void update(uint64_t done);
  void finish();  // draws the final state and ends the line

 private:
  void draw(bool final);
  std::string name_;
  uint64_t total_, done_ = 0, first_ = 0;
  bool enabled_, drawn_ = false, started_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace sparrow::hf
