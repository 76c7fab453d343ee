// Many requests at once: async requests on several streams give exactly the synchronous results; callbacks,
// cancellation, errors inside requests, and shutdown with requests in flight. Run under the tsan preset too.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "sparrow/core.h"
#include "support/golden.h"
#include "support/errors.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

std::filesystem::path sst2_xml() { return shared_dir() / "data/models/sst2-tiny-sparse-int8/openvino_model.xml"; }

// Token ids of the first golden dev sentences.
const std::vector<std::vector<int64_t>>& sentences() {
  static const std::vector<std::vector<int64_t>> all = [] {
    std::ifstream f(shared_dir() / "data/models/sst2-tiny-sparse-int8/golden.json");
    nlohmann::json golden = nlohmann::json::parse(f);
    std::vector<std::vector<int64_t>> out;
    for (const auto& item : golden["dev_first100"]) out.push_back(item["input_ids"].get<std::vector<int64_t>>());
    return out;
  }();
  return all;
}

void set_sentence(InferRequest& req, const std::vector<int64_t>& ids) {
  Shape shape{1, static_cast<int64_t>(ids.size())};
  Tensor input_ids(ElementType::i64, shape), mask(ElementType::i64, shape), types(ElementType::i64, shape);
  for (size_t i = 0; i < ids.size(); ++i) {
    input_ids.data<int64_t>()[i] = ids[i];
    mask.data<int64_t>()[i] = 1;
    types.data<int64_t>()[i] = 0;
  }
  req.set_tensor("input_ids", input_ids);
  req.set_tensor("attention_mask", mask);
  req.set_tensor("token_type_ids", types);
}

std::vector<float> logits(const InferRequest& req) {
  Tensor out = req.get_output_tensor();
  return std::vector<float>(out.data<float>(), out.data<float>() + out.size());
}

std::vector<std::vector<float>> synchronous_logits(size_t count) {
  Core core;
  CompiledModel compiled = core.compile_model(sst2_xml(), "CPU", {{"INFERENCE_NUM_THREADS", 1}});
  InferRequest req = compiled.create_infer_request();
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < count; ++i) {
    set_sentence(req, sentences()[i]);
    req.infer();
    out.push_back(logits(req));
  }
  return out;
}

// Counts finished inferences and lets a test wait for a number of them.
struct Counter {
  std::mutex mutex;
  std::condition_variable changed;
  int done = 0;
  int failed = 0;
  void add(std::exception_ptr error) {
    std::lock_guard lock(mutex);
    ++done;
    if (error) ++failed;
    changed.notify_all();
  }
  bool wait_for_count(int n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(120), [&] { return done >= n; });
  }
};

TEST(Async, ConcurrentRequestsEqualSynchronousRuns) {
  constexpr size_t kRequests = 8, kRounds = 3;
  std::vector<std::vector<float>> want = synchronous_logits(kRequests * kRounds);

  Core core;
  // Three streams of two threads: requests queue to free streams and MatMul rows split between threads.
  CompiledModel compiled =
      core.compile_model(sst2_xml(), "CPU", {{"NUM_STREAMS", 3}, {"INFERENCE_NUM_THREADS", 6}});
  EXPECT_EQ(compiled.get_property("NUM_STREAMS").as_int(), 3);
  EXPECT_EQ(compiled.get_property("INFERENCE_NUM_THREADS").as_int(), 6);
  EXPECT_EQ(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS").as_int(), 3);
  std::vector<InferRequest> requests;
  for (size_t r = 0; r < kRequests; ++r) requests.push_back(compiled.create_infer_request());
  for (size_t round = 0; round < kRounds; ++round) {
    for (size_t r = 0; r < kRequests; ++r) {
      set_sentence(requests[r], sentences()[round * kRequests + r]);
      requests[r].start_async();
    }
    for (size_t r = 0; r < kRequests; ++r) {
      requests[r].wait();
      std::vector<float> got = logits(requests[r]);
      const std::vector<float>& expected = want[round * kRequests + r];
      ASSERT_EQ(got.size(), expected.size());
      EXPECT_EQ(std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)), 0)
          << "request " << r << " round " << round << ": " << got[0] << " vs " << expected[0];
    }
  }
}

TEST(Async, CallbacksSeeResultsAndMayResubmit) {
  constexpr int kRequests = 4, kRunsEach = 5;
  std::vector<std::vector<float>> want = synchronous_logits(1);
  Core core;
  CompiledModel compiled = core.compile_model(sst2_xml(), "CPU", {{"PERFORMANCE_HINT", "THROUGHPUT"}});
  std::vector<InferRequest> requests(kRequests);
  Counter counter;
  std::vector<int> runs(kRequests, 0);
  std::mutex mismatch_mutex;
  std::vector<std::string> problems;
  for (int r = 0; r < kRequests; ++r) {
    requests[r] = compiled.create_infer_request();
    set_sentence(requests[r], sentences()[0]);
    InferRequest* self = &requests[r];
    requests[r].set_callback([&, self, r](std::exception_ptr error) {
      // Inside the callback the request is not busy: outputs can be read and the request started again.
      if (logits(*self) != want[0]) {
        std::lock_guard lock(mismatch_mutex);
        problems.push_back("request " + std::to_string(r) + " gave other logits");
      }
      std::string wait_error = error_of([&] { self->wait(); });
      if (wait_error.find("own callback") == std::string::npos) {
        std::lock_guard lock(mismatch_mutex);
        problems.push_back("wait inside the callback: " + wait_error);
      }
      if (++runs[r] < kRunsEach) self->start_async();
      counter.add(error);
    });
  }
  for (InferRequest& req : requests) req.start_async();
  EXPECT_TRUE(counter.wait_for_count(kRequests * kRunsEach));
  for (InferRequest& req : requests) req.wait();
  EXPECT_EQ(counter.done, kRequests * kRunsEach);
  EXPECT_EQ(counter.failed, 0);
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(Async, ErrorsInsideARequestSurfaceInWaitAndCallback) {
  Core core;
  CompiledModel compiled = core.compile_model(sst2_xml(), "CPU", {{"NUM_STREAMS", 2}});
  InferRequest bad = compiled.create_infer_request();
  set_sentence(bad, {101, 30522, 102});  // 30522 is outside the vocabulary
  std::string in_callback;
  std::mutex m;
  bad.set_callback([&](std::exception_ptr error) {
    std::lock_guard lock(m);
    try {
      if (error) std::rethrow_exception(error);
      in_callback = "(no error)";
    } catch (const Error& e) {
      in_callback = e.what();
    }
  });
  bad.start_async();
  std::string waited = error_of([&] { bad.wait(); });
  EXPECT_NE(waited.find("30522"), std::string::npos) << waited;
  {
    std::lock_guard lock(m);
    EXPECT_EQ(in_callback, waited);
  }
  EXPECT_EQ(error_of([&] { bad.infer(); }), waited);  // the sync path reports it the same way
  // The request is usable again once given good inputs.
  set_sentence(bad, sentences()[0]);
  bad.infer();
  EXPECT_EQ(logits(bad), synchronous_logits(1)[0]);
}

TEST(Async, BusyRequestsRefuseChanges) {
  Core core;
  auto bert = generated_models_dir() / "bertbase2-int8-compressed" / "openvino_model.xml";
  CompiledModel compiled = core.compile_model(bert, "CPU", {{"NUM_STREAMS", 1}, {"INFERENCE_NUM_THREADS", 1}});
  InferRequest a = compiled.create_infer_request();
  InferRequest b = compiled.create_infer_request();
  for (InferRequest* r : {&a, &b}) set_sentence(*r, std::vector<int64_t>(32, 1000));
  a.start_async();
  b.start_async();  // queued behind a: one stream
  EXPECT_NE(error_of([&] { b.start_async(); }).find("busy"), std::string::npos);
  EXPECT_NE(error_of([&] { b.set_tensor("input_ids", Tensor(ElementType::i64, {1, 4})); }).find("busy"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)b.get_output_tensor(); }).find("busy"), std::string::npos);
  EXPECT_FALSE(b.wait_for(std::chrono::milliseconds(0)));
  // Cancelling the queued request withdraws it; wait() reports the cancellation.
  b.cancel();
  EXPECT_EQ(error_of([&] { b.wait(); }), "the inference was cancelled");
  a.wait();
  EXPECT_EQ(a.get_output_tensor().shape(), (Shape{1, 2}));
}

TEST(Async, CancelStopsARunningInference) {
  Core core;
  auto bert = generated_models_dir() / "bertbase2-int8-compressed" / "openvino_model.xml";
  CompiledModel compiled = core.compile_model(bert, "CPU", {{"INFERENCE_NUM_THREADS", 1}});
  InferRequest req = compiled.create_infer_request();
  // Long enough that a tenth of a run outlasts scheduling noise on the fast path (a warm run is timed).
  set_sentence(req, std::vector<int64_t>(384, 1000));
  req.infer();
  auto start = std::chrono::steady_clock::now();
  req.infer();
  auto one_run = std::chrono::steady_clock::now() - start;
  req.start_async();
  std::this_thread::sleep_for(one_run / 10);
  req.cancel();
  // Whether it was still queued or already running, it stops early and says so.
  EXPECT_EQ(error_of([&] { req.wait(); }), "the inference was cancelled");
  req.infer();  // and runs again afterwards
}

// Each callback owns a token that is freed with its request: once every token has expired, every request
// (and the compiled model they kept alive) has been destroyed and no callback can run any more.
struct Tokens {
  std::vector<std::weak_ptr<int>> issued;
  std::shared_ptr<int> make() {
    auto t = std::make_shared<int>(0);
    issued.push_back(t);
    return t;
  }
  bool wait_all_freed() const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      bool all = true;
      for (const auto& t : issued) all = all && t.expired();
      if (all) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
};

TEST(Async, DroppingTheModelAndRequestsInFlightIsSafe) {
  Counter counter;
  Tokens tokens;
  constexpr int kRequests = 6;
  {
    Core core;
    CompiledModel compiled = core.compile_model(sst2_xml(), "CPU", {{"NUM_STREAMS", 2}});
    std::vector<InferRequest> requests;
    for (int r = 0; r < kRequests; ++r) {
      requests.push_back(compiled.create_infer_request());
      set_sentence(requests.back(), sentences()[r]);
      requests.back().set_callback([&counter, token = tokens.make()](std::exception_ptr e) { counter.add(e); });
      requests.back().start_async();
    }
  }  // every handle is gone: queued requests were withdrawn, running ones finish in the background
  EXPECT_TRUE(tokens.wait_all_freed());
  std::lock_guard lock(counter.mutex);
  EXPECT_LE(counter.done, kRequests);
  EXPECT_EQ(counter.failed, 0);
}

TEST(Async, ShutdownWhileCallbacksResubmit) {
  Counter counter;
  Tokens tokens;
  std::mutex keep_going_mutex;
  bool keep_going = true;
  {
    Core core;
    CompiledModel compiled =
        core.compile_model(sst2_xml(), "CPU", {{"NUM_STREAMS", 2}, {"INFERENCE_NUM_THREADS", 2}});
    std::vector<InferRequest> requests(4);
    for (size_t r = 0; r < requests.size(); ++r) {
      requests[r] = compiled.create_infer_request();
      set_sentence(requests[r], sentences()[r]);
      InferRequest* self = &requests[r];
      requests[r].set_callback([&, self, token = tokens.make()](std::exception_ptr e) {
        counter.add(e);
        std::lock_guard lock(keep_going_mutex);
        if (keep_going) self->start_async();
      });
    }
    for (InferRequest& req : requests) req.start_async();
    EXPECT_TRUE(counter.wait_for_count(12));
    compiled = CompiledModel();  // the requests keep the compiled model alive
    {
      std::lock_guard lock(keep_going_mutex);
      keep_going = false;  // from here on no callback touches `self`
    }
    // Resubmitted requests are queued or running now: dropping them withdraws or lets them finish.
    requests.clear();
  }
  EXPECT_TRUE(tokens.wait_all_freed());
  std::lock_guard lock(counter.mutex);
  EXPECT_EQ(counter.failed, 0);
}

TEST(Async, ProfilingListsEveryExecutedNode) {
  Core core;
  CompiledModel compiled = core.compile_model(sst2_xml(), "CPU", {{"PERF_COUNT", true}});
  InferRequest req = compiled.create_infer_request();
  set_sentence(req, sentences()[0]);
  req.infer();
  std::vector<ProfilingInfo> profile = req.get_profiling_info();
  size_t executed = 0;
  for (const LayerInfo& layer : compiled.layers())
    if (layer.type != "Parameter" && layer.type != "Const" && layer.type != "Result") ++executed;
  ASSERT_EQ(profile.size(), executed);
  std::chrono::microseconds total{0};
  for (const ProfilingInfo& p : profile) {
    EXPECT_EQ(p.status, ProfilingInfo::Status::EXECUTED);
    EXPECT_FALSE(p.node_name.empty());
    // Each node runs on the kernel family of its op; the rest on its reference op.
    const std::string family = p.node_type == "QuantizedMatMul" ? "qgemm_u8s8s32_"
                               : p.node_type == "MatMul"        ? "sgemm_f32f64acc_"
                               : p.node_type == "Attention"     ? "sgemm_f32f64acc_"
                               : p.node_type == "Gelu" || p.node_type == "LayerNorm" || p.node_type == "Quantize"
                                   ? "vmath_f64_"
                                   : "ref";
    EXPECT_EQ(p.exec_type.rfind(family, 0), 0u) << p.node_name << " " << p.exec_type;
    total += p.real_time;
  }
  EXPECT_GT(total.count(), 0);

  CompiledModel quiet = core.compile_model(sst2_xml());
  InferRequest q = quiet.create_infer_request();
  EXPECT_NE(error_of([&] { q.get_profiling_info(); }).find("PERF_COUNT"), std::string::npos);
}

TEST(Async, CorePropertiesApplyToLaterCompilations) {
  Core core;
  core.set_property("CPU", {{"PERFORMANCE_HINT", "THROUGHPUT"}, {"NUM_STREAMS", 3}});
  EXPECT_EQ(core.get_property("CPU", "NUM_STREAMS").as_int(), 3);
  EXPECT_FALSE(core.get_property("CPU", "FULL_DEVICE_NAME").as_string().empty());
  CompiledModel a = core.compile_model(sst2_xml());
  EXPECT_EQ(a.get_property("NUM_STREAMS").as_int(), 3);
  EXPECT_EQ(a.get_property("PERFORMANCE_HINT").as_string(), "THROUGHPUT");
  CompiledModel b = core.compile_model(sst2_xml(), "CPU", {{"NUM_STREAMS", 1}});  // call-site values win
  EXPECT_EQ(b.get_property("NUM_STREAMS").as_int(), 1);
  EXPECT_EQ(b.get_property("EXECUTION_DEVICES").as_string(), "CPU");
  for (const std::string& key : b.supported_properties()) EXPECT_FALSE(b.get_property(key).empty()) << key;
  EXPECT_NE(error_of([&] { core.set_property("CPU", {{"NUM_STREAMS", 0}}); }).find("NUM_STREAMS"),
            std::string::npos);
  EXPECT_EQ(core.get_property("CPU", "NUM_STREAMS").as_int(), 3);  // a refused set changes nothing
  EXPECT_NE(error_of([&] { core.set_property("GPU", {}); }).find("GPU"), std::string::npos);
}

TEST(Async, TypedPropertiesUseOpenVinoNamesAndTypes) {
  Core core;
  CompiledModel compiled =
      core.compile_model(sst2_xml(), "CPU", num_streams(2), inference_num_threads(2),
                         hint::performance_mode(hint::PerformanceMode::THROUGHPUT), enable_profiling(true),
                         intel_cpu::sparse_weights_decompression_rate(0.75f));
  EXPECT_EQ(compiled.get_property(num_streams), 2);
  EXPECT_EQ(compiled.get_property(inference_num_threads), 2);
  EXPECT_EQ(compiled.get_property(hint::performance_mode), hint::PerformanceMode::THROUGHPUT);
  EXPECT_TRUE(compiled.get_property(enable_profiling));
  EXPECT_EQ(compiled.get_property(intel_cpu::sparse_weights_decompression_rate), 0.75f);
  EXPECT_EQ(compiled.get_property(optimal_number_of_infer_requests), 2u);
  EXPECT_EQ(compiled.get_property("CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE").as_string(), "0.75");
  CompiledModel automatic = core.compile_model(sst2_xml(), "CPU", num_streams(streams::AUTO));
  EXPECT_GE(automatic.get_property(num_streams), 1);
}

}  // namespace
}  // namespace sparrow::testing
