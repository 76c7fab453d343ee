#include "runtime/config.h"

#include <thread>

namespace sparrow::runtime {
namespace {

int64_t hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

}  // namespace

Config Config::from(const AnyMap& properties) {
  Config c;
  for (const auto& [key, value] : properties) {
    if (key == "PERFORMANCE_HINT") {
      std::string v = value.as_string();
      SPARROW_CHECK(v == "LATENCY" || v == "THROUGHPUT" || v == "CUMULATIVE_THROUGHPUT" || v == "NONE" || v.empty(),
                    "property PERFORMANCE_HINT: '", v, "' is not one of LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT, NONE");
      c.performance_hint = v.empty() ? "NONE" : v;
    } else if (key == "NUM_STREAMS") {
      std::string v = value.as_string();
      if (v == "AUTO" || v == "-1") {
        c.num_streams = -1;
      } else {
        int64_t n = value.as_int();
        SPARROW_CHECK(n >= 1 && n <= 1024, "property NUM_STREAMS: ", n, " is outside [1, 1024] (or AUTO)");
        c.num_streams = n;
      }
    } else if (key == "INFERENCE_NUM_THREADS") {
      int64_t n = value.as_int();
      SPARROW_CHECK(n >= 0 && n <= 4096, "property INFERENCE_NUM_THREADS: ", n, " is outside [0, 4096]");
      c.inference_num_threads = n;
    } else if (key == "ENABLE_CPU_PINNING") {
      c.enable_cpu_pinning = value.as_bool();
    } else if (key == "PERF_COUNT") {
      c.perf_count = value.as_bool();
    } else if (key == "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE") {
      double r = value.as_double();
      SPARROW_CHECK(r >= 0.0 && r <= 1.0, "property CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: ", r,
                    " is outside [0, 1]");
      c.sparse_weights_decompression_rate = r;
    } else {
      fail("unknown property '", key,
           "' (supported: PERFORMANCE_HINT, NUM_STREAMS, INFERENCE_NUM_THREADS, ENABLE_CPU_PINNING, PERF_COUNT, "
           "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE)");
    }
  }
  if (c.num_streams < 0) c.num_streams = c.performance_hint == "THROUGHPUT" ? hardware_threads() : 1;
  if (c.inference_num_threads == 0) c.inference_num_threads = hardware_threads();
  return c;
}

Any Config::get(const std::string& key) const {
  if (key == "PERFORMANCE_HINT") return performance_hint;
  if (key == "NUM_STREAMS") return num_streams;
  if (key == "INFERENCE_NUM_THREADS") return inference_num_threads;
  if (key == "ENABLE_CPU_PINNING") return enable_cpu_pinning;
  if (key == "PERF_COUNT") return perf_count;
  if (key == "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE") return sparse_weights_decompression_rate;
  if (key == "OPTIMAL_NUMBER_OF_INFER_REQUESTS") return num_streams;
  fail("unknown property '", key, "'");
}

}  // namespace sparrow::runtime
