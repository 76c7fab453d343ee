// Compile-time properties, by their OpenVINO keys, validated with messages that name the property and the
// accepted range.
#pragma once

#include <cstdint>
#include <string>

#include "sparrow/core.h"

namespace sparrow::runtime {

struct Config {
  std::string performance_hint = "LATENCY";  // LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT, NONE
  int64_t num_streams = 1;
  int64_t inference_num_threads = 0;  // 0: decided by the hint
  bool enable_cpu_pinning = false;
  bool perf_count = false;
  double sparse_weights_decompression_rate = 1.0;  // 1.0: the sparse path is off

  // Applies `properties` on top of the defaults. Throws Error for unknown keys and out-of-range values.
  static Config from(const AnyMap& properties);
  // The effective value of a property (compiled-model get_property); throws for unknown keys.
  Any get(const std::string& key) const;
};

}  // namespace sparrow::runtime
