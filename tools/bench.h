// `sparrow bench`: OpenVINO benchmark_app's flags, steps and report, plus --compare and --plot.
// The pieces: bench.cc (command line), bench_config.cc (device properties, -load_config, -dump_config),
// bench_inputs.cc (-shape, -data_shape, -b, -i, random data), bench_measure.cc (request queue, timing loop,
// progress), bench_run.cc (the 11 steps), bench_report.cc (printed figures, counters, CSV/JSON reports),
// bench_compare.cc (alternating rounds), bench_plot.cc (SVG).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sparrow/core.h"

namespace sparrow::tools::bench {

struct Options {
  std::string model;
  std::string device = "CPU";
  std::string shape;
  std::string data_shape;
  int64_t batch = 0;
  int64_t time_s = 0;  // 0: not given
  int64_t niter = 0;   // 0: not given
  int64_t nireq = 0;   // 0: OPTIMAL_NUMBER_OF_INFER_REQUESTS
  std::string nstreams;
  int64_t nthreads = 0;
  std::string hint;  // as given: throughput, tput, latency, cumulative_throughput, ctput, none
  std::string api = "async";
  std::string load_config;
  std::string dump_config;
  std::string pin;
  std::optional<bool> inference_only;
  int64_t latency_percentile = 50;
  std::vector<std::string> inputs;  // -i
  std::optional<bool> pc;
  std::string pcsort;
  std::string report_type;
  std::string report_folder;
  bool json_stats = false;
  std::vector<std::string> compare;
  int64_t rounds = 5;
  std::string plot;
  // Flags given on the command line, name without dashes and value as given (the report's first section).
  std::vector<std::pair<std::string, std::string>> given;

  bool was_given(const std::string& name) const;
};

// benchmark_app's log lines on stdout: "[ INFO ] text", "[ WARNING ] text", "[Step n/11] name (extra)".
void info(const std::string& text);
void warn(const std::string& text);
void step(const std::string& extra = "");
std::string ms2(double ms);  // two decimals, as benchmark_app's double_to_string

// ---- device properties (bench_config.cc)

// Reads a -load_config file: {"CPU": {"KEY": value, ...}}; values may be strings, numbers or booleans.
// Refuses other devices, unknown keys, invalid values and broken JSON, naming the file.
AnyMap load_config(const std::filesystem::path& path);
// The properties for compile_model: the file's, then the hint, -nstreams, -nthreads, -pin and the profiling
// switches from the command line, printing benchmark_app's warnings. Sets `perf_counts` to PERF_COUNT.
AnyMap device_config(const Options& opt, AnyMap config, bool& perf_counts);
// Writes the compiled model's writable properties as {"CPU": {"KEY": "value", ...}}, loadable by
// -load_config.
void dump_config(const std::filesystem::path& path, const CompiledModel& compiled);

// ---- inputs (bench_inputs.cc)

struct InputSpec {
  Port port;                       // as read from the model
  PartialShape shape;              // the shape to compile with (after -shape and -b)
  std::vector<Shape> data_shapes;  // tensor shapes to feed, one per test configuration
  std::string file;                // -i file, if any
  std::optional<Tensor> file_data;
};

struct InputPlan {
  std::vector<InputSpec> inputs;
  bool reshape = false;          // -shape or -b changed a compiled shape
  bool dynamic = false;          // some compiled shape stays dynamic
  size_t configs = 1;            // test configurations (data shape groups)
  std::vector<int64_t> batches;  // per configuration: dim 0 of the first input's data, for FPS
  int64_t batch = 1;             // of the first configuration
};

// Parses -shape, -data_shape, -b and -i against the model's inputs; throws Error naming the flag and input.
InputPlan plan_inputs(const Model& model, const Options& opt);
// The tensors to feed, [configuration][input], printing what each input gets.
std::vector<std::vector<Tensor>> make_input_data(const InputPlan& plan);
// "'input_ids': [1,64], 'attention_mask': [1,64]"
std::string shapes_text(const InputPlan& plan);
// benchmark_app's "Model inputs:" / "Model outputs:" listing.
void print_ports(const std::vector<Port>& inputs, const std::vector<Port>& outputs);

// ---- measuring (bench_measure.cc)

struct Limits {
  int64_t niter = 0;       // 0: none
  double duration_ms = 0;  // 0: none
};

struct Measurement {
  size_t iterations = 0;
  double duration_ms = 0;
  std::vector<double> latencies_ms;
  double fps = 0;  // frames (iterations times their batch) per second
};

// nireq infer requests, each returned to an idle queue by its callback (benchmark_app's InferRequestsQueue).
class RequestQueue {
 public:
  RequestQueue(const CompiledModel& compiled, size_t nireq, bool async);
  ~RequestQueue();
  RequestQueue(const RequestQueue&) = delete;
  RequestQueue& operator=(const RequestQueue&) = delete;

  size_t size() const;
  InferRequest& request(size_t i);
  // Sets each request's inputs once (inference-only mode): request i gets configuration i % configs.
  void set_inputs_once(const std::vector<std::vector<Tensor>>& data, const std::vector<InputSpec>& specs);
  // A warm-up inference outside the measurement; returns its latency in ms.
  double first_inference(const std::vector<Tensor>* data, const std::vector<InputSpec>& specs);
  // The benchmark loop: starts idle requests until the limits are met, then waits for all.
  // In full mode, iteration i feeds configuration i % configs and counts its batch among the frames.
  Measurement run(const Limits& limits, const std::vector<std::vector<Tensor>>* full_mode_data,
                  const std::vector<InputSpec>& specs, const std::vector<int64_t>& batches, bool progress);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// ---- reports (bench_report.cc)

struct LatencyMetrics {
  double median_or_percentile = 0, avg = 0, min = 0, max = 0;
  int64_t percentile = 50;
  static LatencyMetrics from(std::vector<double> latencies_ms, int64_t percentile);
};

void print_latency(const LatencyMetrics& m);
// benchmark_app's per-layer table (printPerformanceCounts / printPerformanceCountsSort). A row whose node
// packed int8 weights (in `layers`, the compiled model's) ends with their format, zero share and all-zero
// 4-group share.
void print_performance_counts(const std::vector<ProfilingInfo>& counts, const std::vector<LayerInfo>& layers,
                              const std::string& device_name,
                              const std::string& sort);

// benchmark_app's StatisticsReport: benchmark_report.csv (';'-separated) or .json, and counter reports.
class StatisticsReport {
 public:
  enum class Category { command_line, runtime_config, execution_results };
  struct Value {
    std::string csv_name, json_name;
    enum class Kind { integer, real, text } kind;
    int64_t i = 0;
    double d = 0;
    std::string s;
  };

  StatisticsReport(std::string report_type, std::filesystem::path folder, bool json);
  void add(Category c, const std::string& csv_name, const std::string& json_name, int64_t v);
  void add(Category c, const std::string& csv_name, const std::string& json_name, double v);
  void add(Category c, const std::string& csv_name, const std::string& json_name, const std::string& v);
  void dump() const;
  void dump_performance_counters(const std::vector<std::vector<ProfilingInfo>>& per_request) const;
  bool wants_counters() const;

 private:
  std::string report_type_;
  std::filesystem::path folder_;
  bool json_;
  std::vector<std::pair<Category, Value>> values_;
};

// ---- the steps (bench_run.cc), shared by a single run and --compare (bench_compare.cc)

struct Setup {
  Core core;
  std::string device_name;  // FULL_DEVICE_NAME
  std::shared_ptr<Model> model;
  InputPlan plan;
  double read_ms = 0;
  double reshape_ms = 0;  // 0: not reshaped
};

// Step 2: the runtime's version and the device's name.
void load_runtime(Setup& s);
// Steps 4 to 6: read, reshape, list the inputs and outputs.
void read_and_reshape(Setup& s, const Options& opt);
// Step 7's compile_model, timed.
CompiledModel compile(Setup& s, const AnyMap& config, double& compile_ms);
// Step 8's "Model:" listing of every compiled-model property.
void print_properties(const CompiledModel& compiled);
size_t choose_nireq(const Options& opt, const CompiledModel& compiled);
// -niter (aligned up to a multiple of nireq in async mode, with benchmark_app's warning) and -t.
Limits make_limits(const Options& opt, size_t nireq, size_t configs);
// Inputs set once before the loop (true) or before every inference (full mode).
bool inference_only(const Options& opt, const InputPlan& plan);
// Step 10's title: "Start inference asynchronously, 4 inference requests using 4 streams for CPU, limits:
// ...".
std::string measuring_title(const Options& opt, size_t nireq, const std::string& streams,
                            const Limits& limits);

void run(const Options& opt);
void run_compare(const Options& opt);

struct PlotSeries {
  std::string label;
  std::vector<double> round_fps;
  std::vector<double> latencies_ms;  // every latency of every round
};
void write_plot(const std::filesystem::path& path, const std::vector<PlotSeries>& series);

}  // namespace sparrow::tools::bench
