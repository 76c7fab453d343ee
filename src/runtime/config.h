// Compile-time properties, by their OpenVINO keys, validated with messages that name the property and the
// accepted range, then resolved to the streams and threads this process will use (docs/runtime.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/isa.h"
#include "runtime/weight_format.h"
#include "sparrow/core.h"

namespace sparrow::runtime {

struct Config {
  std::string performance_hint = "LATENCY";  // LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT, NONE
  int64_t num_streams = 1;
  int64_t inference_num_threads = 1;  // total across streams
  bool enable_cpu_pinning = true;     // OpenVINO's default on Linux
  bool perf_count = false;
  // CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: a rate in [0, 1] (1.0, the default: the sparse path is off) or
  // AUTO (runtime/weight_format.h).
  SparseWeightsPolicy sparse_weights;
  // Not a property: the highest ISA kernels may use (SPARROW_MAX_ISA caps it; tests lower it on purpose).
  base::Isa max_isa = base::max_isa();

  // Applies `properties` on top of the hint's defaults for this machine's CPUs, then resolves streams and
  // threads. Throws Error for unknown keys and out-of-range values.
  static Config from(const AnyMap& properties);
  // The effective value of a property (compiled-model get_property); throws for unknown keys.
  Any get(const std::string& key) const;
  // The keys get() answers, in a stable order (read-only ones included).
  static const std::vector<std::string>& keys();
  // Threads of stream `s`: the total split as evenly as it goes, the first streams taking the remainder.
  int threads_of_stream(int64_t s) const;

 private:
  // One property; NUM_STREAMS and INFERENCE_NUM_THREADS go to `streams` and `threads` (-1: AUTO).
  void apply(const std::string& key, const Any& value, int64_t& streams, int64_t& threads);
};

}  // namespace sparrow::runtime
