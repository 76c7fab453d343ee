#include "frontends/hf/progress.h"

#include <algorithm>
#include <cstdio>

namespace sparrow::hf {
namespace {

std::string human(double bytes) {
  char buf[32];
  if (bytes < 1e6) {
    std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  } else if (bytes < 1e9) {
    std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
  }
  return buf;
}

}  // namespace

Progress::Progress(std::string name, uint64_t total, bool enabled)
    : name_(std::move(name)), total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

void Progress::update(uint64_t done) {
  if (!started_) {
    started_ = true;
    first_ = done;  // bytes resumed from an earlier attempt do not count towards the rate
  }
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  draw(false);
}

void Progress::finish() {
  if (!enabled_ || !started_) return;
  draw(true);
  std::fputc('\n', stderr);
  enabled_ = false;
}

void Progress::draw(bool) {
  drawn_ = true;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = seconds > 0 ? (done_ - first_) / seconds : 0;
  constexpr int kWidth = 30;
  char bar[kWidth + 1];
  int fill = total_ ? static_cast<int>(kWidth * std::min(1.0, double(done_) / total_)) : 0;
  for (int i = 0; i < kWidth; ++i) bar[i] = i < fill ? '#' : (total_ ? '.' : ' ');
  bar[kWidth] = '\0';
  if (total_) {
    std::fprintf(stderr, "\r%-24.24s %3d%% |%s| %9s / %-9s %9s/s ", name_.c_str(),
                 static_cast<int>(100.0 * done_ / total_), bar, human(done_).c_str(), human(total_).c_str(),
                 human(rate).c_str());
  } else {
    std::fprintf(stderr, "\r%-24.24s %9s %9s/s ", name_.c_str(), human(done_).c_str(), human(rate).c_str());
  }
  std::fflush(stderr);
}

}  // namespace sparrow::hf
