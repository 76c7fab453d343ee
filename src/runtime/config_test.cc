#include "runtime/config.h"

#include <gtest/gtest.h>

#include "base/cpu_info.h"

namespace sparrow::runtime {
namespace {

std::string error_of(const AnyMap& properties) {
  try {
    Config::from(properties);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

int64_t cores() { return base::cpu_info().physical_cores; }

TEST(Config, HintDefaultsFollowOpenVino) {
  Config latency = Config::from({});
  EXPECT_EQ(latency.performance_hint, "LATENCY");
  EXPECT_EQ(latency.num_streams, 1);
  EXPECT_EQ(latency.inference_num_threads, cores());
  EXPECT_TRUE(latency.enable_cpu_pinning);
  EXPECT_FALSE(latency.perf_count);
  EXPECT_FALSE(latency.sparse_weights.automatic);
  EXPECT_EQ(latency.sparse_weights.rate, 1.0);

  Config throughput = Config::from({{"PERFORMANCE_HINT", "THROUGHPUT"}});
  EXPECT_EQ(throughput.num_streams, cores());
  EXPECT_EQ(throughput.inference_num_threads, cores());
  EXPECT_EQ(throughput.get("OPTIMAL_NUMBER_OF_INFER_REQUESTS").as_int(), cores());

  Config none = Config::from({{"PERFORMANCE_HINT", "NONE"}});
  EXPECT_EQ(none.num_streams, 1);
  EXPECT_EQ(none.inference_num_threads, static_cast<int64_t>(base::cpu_info().allowed_cpus.size()));
}

TEST(Config, ExplicitStreamsAndThreads) {
  // The seed's configuration: 4 streams sharing 4 threads, one each.
  Config seed = Config::from({{"NUM_STREAMS", 4}, {"INFERENCE_NUM_THREADS", 4},
                              {"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", "0.75"}});
  EXPECT_EQ(seed.num_streams, 4);
  EXPECT_EQ(seed.inference_num_threads, 4);
  EXPECT_FALSE(seed.sparse_weights.automatic);
  EXPECT_EQ(seed.sparse_weights.rate, 0.75);
  EXPECT_EQ(seed.get("CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE").as_double(), 0.75);

  for (const char* text : {"AUTO", "auto"}) {
    Config automatic = Config::from({{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", text}});
    EXPECT_TRUE(automatic.sparse_weights.automatic) << text;
    EXPECT_EQ(automatic.get("CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE").as_string(), "AUTO");
  }
  for (int s = 0; s < 4; ++s) EXPECT_EQ(seed.threads_of_stream(s), 1);

  // Uneven split: the first streams take the remainder, the total stays what was asked.
  Config uneven = Config::from({{"NUM_STREAMS", "2"}, {"INFERENCE_NUM_THREADS", "5"}});
  EXPECT_EQ(uneven.threads_of_stream(0), 3);
  EXPECT_EQ(uneven.threads_of_stream(1), 2);

  // More streams than threads: streams are capped, as OpenVINO does.
  Config capped = Config::from({{"NUM_STREAMS", 4}, {"INFERENCE_NUM_THREADS", 2}});
  EXPECT_EQ(capped.num_streams, 2);
  EXPECT_EQ(capped.get("NUM_STREAMS").as_int(), 2);

  // Streams without threads: at least one thread each.
  Config many = Config::from({{"NUM_STREAMS", 8}});
  EXPECT_EQ(many.num_streams, 8);
  EXPECT_EQ(many.inference_num_threads, std::max<int64_t>(8, cores()));

  Config latency_threads = Config::from({{"PERFORMANCE_HINT", "LATENCY"}, {"INFERENCE_NUM_THREADS", 3}});
  EXPECT_EQ(latency_threads.num_streams, 1);
  EXPECT_EQ(latency_threads.threads_of_stream(0), 3);

  Config pinning = Config::from({{"ENABLE_CPU_PINNING", "NO"}, {"PERF_COUNT", "YES"}});
  EXPECT_FALSE(pinning.enable_cpu_pinning);
  EXPECT_TRUE(pinning.perf_count);
  EXPECT_EQ(Config::from({{"NUM_STREAMS", "AUTO"}, {"PERFORMANCE_HINT", "THROUGHPUT"}}).num_streams, cores());
}

TEST(Config, InvalidValuesNameThePropertyAndTheRange) {
  EXPECT_EQ(error_of({{"NUM_STREAMS", 0}}), "property NUM_STREAMS: 0 is outside [1, 1024] (or AUTO)");
  EXPECT_EQ(error_of({{"INFERENCE_NUM_THREADS", -2}}),
            "property INFERENCE_NUM_THREADS: -2 is outside [0, 4096] (0: decided by PERFORMANCE_HINT)");
  EXPECT_EQ(error_of({{"PERFORMANCE_HINT", "FAST"}}),
            "property PERFORMANCE_HINT: 'FAST' is not one of LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT, NONE");
  EXPECT_EQ(error_of({{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", 1.5}}),
            "property CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: 1.5 is outside [0, 1] (or AUTO)");
  EXPECT_EQ(error_of({{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", -0.1}}),
            "property CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: -0.1 is outside [0, 1] (or AUTO)");
  EXPECT_EQ(error_of({{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE", "sparse"}}),
            "property CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: expected a number, got 'sparse'");
  EXPECT_EQ(error_of({{"NUM_STREAMS", "many"}}), "property NUM_STREAMS: expected an integer, got 'many'");
  EXPECT_EQ(error_of({{"PERF_COUNT", "maybe"}}).rfind("property PERF_COUNT: ", 0), 0u);
  EXPECT_EQ(error_of({{"OPTIMAL_NUMBER_OF_INFER_REQUESTS", 2}}),
            "property OPTIMAL_NUMBER_OF_INFER_REQUESTS is read-only");
  EXPECT_NE(error_of({{"NUM_THREADS", 2}}).find("unknown property 'NUM_THREADS'"), std::string::npos);
}

TEST(Config, EveryKeyHasAValue) {
  Config c = Config::from({});
  for (const std::string& key : Config::keys()) EXPECT_FALSE(c.get(key).empty()) << key;
}

}  // namespace
}  // namespace sparrow::runtime
