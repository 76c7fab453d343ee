#include "runtime/config.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "base/cpu_info.h"

namespace sparrow::runtime {
namespace {

constexpr int64_t kMaxStreams = 1024;
constexpr int64_t kMaxThreads = 4096;

}  // namespace

void Config::apply(const std::string& key, const Any& value, int64_t& streams, int64_t& threads) {
  if (key == "PERFORMANCE_HINT") {
    std::string v = value.as_string();
    SPARROW_CHECK(v == "LATENCY" || v == "THROUGHPUT" || v == "CUMULATIVE_THROUGHPUT" || v == "NONE" || v.empty(),
                  "property PERFORMANCE_HINT: '", v, "' is not one of LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT, NONE");
    performance_hint = v.empty() ? "NONE" : v;
  } else if (key == "NUM_STREAMS") {
    std::string v = value.as_string();
    if (v == "AUTO" || v == "-1") {
      streams = -1;
    } else {
      int64_t n = value.as_int();
      SPARROW_CHECK(n >= 1 && n <= kMaxStreams, "property NUM_STREAMS: ", n, " is outside [1, ", kMaxStreams,
                    "] (or AUTO)");
      streams = n;
    }
  } else if (key == "INFERENCE_NUM_THREADS") {
    int64_t n = value.as_int();
    SPARROW_CHECK(n >= 0 && n <= kMaxThreads, "property INFERENCE_NUM_THREADS: ", n, " is outside [0, ",
                  kMaxThreads, "] (0: decided by PERFORMANCE_HINT)");
    threads = n;
  } else if (key == "ENABLE_CPU_PINNING") {
    enable_cpu_pinning = value.as_bool();
  } else if (key == "PERF_COUNT") {
    perf_count = value.as_bool();
  } else if (key == "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE") {
    std::string text = value.as_string();
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (text == "AUTO") {
      sparse_weights.automatic = true;
      sparse_weights.rate = 1.0;
    } else {
      double r = value.as_double();
      SPARROW_CHECK(r >= 0.0 && r <= 1.0, "property CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: ", r,
                    " is outside [0, 1] (or AUTO)");
      sparse_weights.automatic = false;
      sparse_weights.rate = r;
    }
  } else if (key == "OPTIMAL_NUMBER_OF_INFER_REQUESTS" || key == "NETWORK_NAME" || key == "EXECUTION_DEVICES") {
    fail("property ", key, " is read-only");
  } else {
    fail("unknown property '", key,
         "' (supported: PERFORMANCE_HINT, NUM_STREAMS, INFERENCE_NUM_THREADS, ENABLE_CPU_PINNING, PERF_COUNT, "
         "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE)");
  }
}

Config Config::from(const AnyMap& properties) {
  Config c;
  c.sparse_weights.forced = sparse_format_override();
  int64_t streams = 0;  // 0: decided by the hint
  int64_t threads = 0;
  for (const auto& [key, value] : properties) {
    try {
      c.apply(key, value, streams, threads);
    } catch (const Error& e) {
      // A conversion error ("expected an integer, got 'x'") learns which property it is about.
      std::string_view what = e.what();
      if (what.starts_with("property ") || what.starts_with("unknown property")) throw;
      fail("property ", key, ": ", what);
    }
  }

  // OpenVINO's CPU defaults: LATENCY runs one stream on every physical core; THROUGHPUT one single-threaded
  // stream per physical core; NONE one stream on every allowed logical CPU.
  const base::CpuInfo& cpu = base::cpu_info();
  const bool throughput = c.performance_hint == "THROUGHPUT" || c.performance_hint == "CUMULATIVE_THROUGHPUT";
  const int64_t cores = c.performance_hint == "NONE" ? static_cast<int64_t>(cpu.allowed_cpus.size())
                                                     : cpu.physical_cores;
  if (streams == -1) streams = throughput ? cores : std::max<int64_t>(1, cores);
  if (streams == 0) streams = throughput ? (threads > 0 ? threads : cores) : 1;
  if (threads == 0) {
    threads = std::max(streams, streams * std::max<int64_t>(1, cores / streams));
  } else {
    streams = std::min(streams, threads);  // a stream needs a thread; OpenVINO caps streams the same way
  }
  c.num_streams = streams;
  c.inference_num_threads = threads;
  return c;
}

int Config::threads_of_stream(int64_t s) const {
  int64_t base = inference_num_threads / num_streams;
  return static_cast<int>(base + (s < inference_num_threads % num_streams ? 1 : 0));
}

const std::vector<std::string>& Config::keys() {
  static const std::vector<std::string> k = {
      "PERFORMANCE_HINT", "NUM_STREAMS", "INFERENCE_NUM_THREADS", "ENABLE_CPU_PINNING", "PERF_COUNT",
      "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", "OPTIMAL_NUMBER_OF_INFER_REQUESTS"};
  return k;
}

Any Config::get(const std::string& key) const {
  if (key == "PERFORMANCE_HINT") return performance_hint;
  if (key == "NUM_STREAMS") return num_streams;
  if (key == "INFERENCE_NUM_THREADS") return inference_num_threads;
  if (key == "ENABLE_CPU_PINNING") return enable_cpu_pinning;
  if (key == "PERF_COUNT") return perf_count;
  if (key == "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE")
    return sparse_weights.automatic ? Any(std::string("AUTO")) : Any(sparse_weights.rate);
  if (key == "OPTIMAL_NUMBER_OF_INFER_REQUESTS") return num_streams;
  fail("unknown property '", key, "'");
}

}  // namespace sparrow::runtime
