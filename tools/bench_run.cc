// sparrow bench: benchmark_app's 11 steps for one configuration.
#include <unistd.h>

#include <cstdio>
#include <map>

#include "bench.h"
#include "commands.h"

namespace sparrow::tools::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Category = StatisticsReport::Category;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

const std::map<int, const char*> kSteps = {{1, "Parsing and validating input arguments"},
                                           {2, "Loading sparrow runtime"},
                                           {3, "Setting device configuration"},
                                           {4, "Reading model files"},
                                           {5, "Resizing model to match image sizes and given batch"},
                                           {6, "Configuring input of the model"},
                                           {7, "Loading the model to the device"},
                                           {8, "Querying optimal runtime parameters"},
                                           {9, "Creating infer requests and preparing input tensors"},
                                           {10, "Measuring performance"},
                                           {11, "Dumping statistics report"}};

std::unique_ptr<StatisticsReport> make_report(const Options& opt) {
  if (opt.report_type.empty() && opt.report_folder.empty()) return nullptr;
  auto report = std::make_unique<StatisticsReport>(opt.report_type.empty() ? "no_counters" : opt.report_type,
                                                   opt.report_folder, opt.json_stats);
  for (const auto& [name, value] : opt.given) report->add(Category::command_line, name, name, value);
  return report;
}

}  // namespace

void info(const std::string& text) {
  std::printf("[ INFO ] %s\n", text.c_str());
}
void warn(const std::string& text) {
  std::printf("[ WARNING ] %s\n", text.c_str());
}

void step(const std::string& extra) {
  static int id = 0;
  ++id;
  std::printf("[Step %d/%zu] %s%s\n", id, kSteps.size(), kSteps.at(id),
              extra.empty() ? "" : (" (" + extra + ")").c_str());
  std::fflush(stdout);
}

std::string ms2(double ms) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", ms);
  return buf;
}

void load_runtime(Setup& s) {
  step();
  info("sparrow:");
  info(std::string("Build ................................. ") + version());
  info("");
  info("Device info:");
  info("CPU");
  info(std::string("Build ................................. ") + version());
  s.device_name = s.core.get_property("CPU", "FULL_DEVICE_NAME").as_string();
  info("FULL_DEVICE_NAME: " + s.device_name);
  info("");
}

void read_and_reshape(Setup& s, const Options& opt) {
  step();
  std::filesystem::path xml = resolve_model(opt.model);
  info("Loading model files");
  auto start = Clock::now();
  s.model = s.core.read_model(xml);
  s.read_ms = ms_since(start);
  info("Read model took " + ms2(s.read_ms) + " ms");
  info("Original model I/O parameters:");
  print_ports(s.model->inputs(), s.model->outputs());

  step();
  s.plan = plan_inputs(*s.model, opt);
  if (s.plan.reshape) {
    std::map<std::string, PartialShape> shapes;
    for (const InputSpec& in : s.plan.inputs) shapes[in.port.name] = in.shape;
    info("Reshaping model: " + shapes_text(s.plan));
    start = Clock::now();
    s.model->reshape(shapes);
    s.reshape_ms = ms_since(start);
    info("Reshape model took " + ms2(s.reshape_ms) + " ms");
  }

  step();
  info("Model batch size: " + std::to_string(s.plan.batch));
  print_ports(s.model->inputs(), s.model->outputs());
}

CompiledModel compile(Setup& s, const AnyMap& config, double& compile_ms) {
  auto start = Clock::now();
  CompiledModel compiled = s.core.compile_model(s.model, "CPU", config);
  compile_ms = ms_since(start);
  info("Compile model took " + ms2(compile_ms) + " ms");
  return compiled;
}

void print_properties(const CompiledModel& compiled) {
  info("Model:");
  for (const std::string& key : compiled.supported_properties())
    info("  " + key + ": " + compiled.get_property(key).as_string());
}

// "60 of 72 int8 linear layers run a sparse format (groups 48, bitmask 12); packed weights 30.1 MB".
std::string sparse_summary(const CompiledModel& compiled) {
  std::map<std::string, int> formats;
  int packed = 0, sparse = 0;
  size_t bytes = 0;
  for (const LayerInfo& l : compiled.layers()) {
    if (l.weight_format.empty()) continue;
    ++packed;
    bytes += l.packed_bytes;
    if (l.weight_format == "dense") continue;
    ++sparse;
    ++formats[l.weight_format];
  }
  std::string out = std::to_string(sparse) + " of " + std::to_string(packed) +
                    " int8 linear layers run a sparse format";
  if (!formats.empty()) {
    std::string list;
    for (const auto& [format, count] : formats) list += (list.empty() ? "" : ", ") + format + " " + std::to_string(count);
    out += " (" + list + ")";
  }
  char mb[48];
  std::snprintf(mb, sizeof mb, "; packed weights %.1f MB", static_cast<double>(bytes) / 1e6);
  return out + mb;
}

size_t choose_nireq(const Options& opt, const CompiledModel& compiled) {
  if (opt.nireq > 0) return static_cast<size_t>(opt.nireq);
  if (opt.api == "sync") return 1;
  return static_cast<size_t>(
      std::max<int64_t>(1, compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS").as_int()));
}

Limits make_limits(const Options& opt, size_t nireq, size_t configs) {
  Limits limits;
  limits.niter = opt.niter;
  if (limits.niter > 0 && opt.api == "async") {
    const auto group = static_cast<int64_t>(std::max(nireq, configs));
    int64_t aligned = (limits.niter + group - 1) / group * group;
    if (aligned != limits.niter)
      warn("Number of iterations was aligned by " +
           std::string(configs > nireq ? "data shape groups" : "request") + " number from " +
           std::to_string(limits.niter) + " to " + std::to_string(aligned) + " using number of " +
           (configs > nireq ? "possible input shapes " : "requests ") + std::to_string(group));
    limits.niter = aligned;
  }
  if (opt.was_given("t"))
    limits.duration_ms = static_cast<double>(opt.time_s) * 1000.0;
  else if (opt.niter == 0)
    limits.duration_ms = 60000.0;
  return limits;
}

bool inference_only(const Options& opt, const InputPlan& plan) {
  if (!plan.dynamic) return opt.inference_only.value_or(true);
  SPARROW_CHECK(!(opt.inference_only.value_or(false) && plan.configs > 1),
                "Dynamic models with different input data shapes must be benchmarked only in full mode "
                "(-inference_only=false)");
  return opt.inference_only.value_or(false) && plan.configs == 1;
}

std::string measuring_title(const Options& opt, size_t nireq, const std::string& streams,
                            const Limits& limits) {
  std::string s = "Start inference " + opt.api + "hronously";
  if (opt.api == "async")
    s += ", " + std::to_string(nireq) + " inference requests using " + streams + " streams for CPU";
  s += ", limits: ";
  if (limits.duration_ms > 0) s += std::to_string(static_cast<int64_t>(limits.duration_ms)) + " ms duration";
  if (limits.niter > 0)
    s += std::string(limits.duration_ms > 0 ? ", " : "") + std::to_string(limits.niter) + " iterations";
  return s;
}

void run(const Options& opt) {
  AnyMap file_config = opt.load_config.empty() ? AnyMap{} : load_config(opt.load_config);
  std::unique_ptr<StatisticsReport> report = make_report(opt);

  Setup s;
  load_runtime(s);

  step();
  bool perf_counts = false;
  AnyMap config = device_config(opt, file_config, perf_counts);
  Core{}.set_property("CPU", config);

  read_and_reshape(s, opt);
  SPARROW_CHECK(
      !(s.plan.dynamic && s.plan.configs > 1 && opt.api == "sync"),
      "Benchmarking of the model with dynamic shapes is available for async API only. Please use -api "
      "async -hint latency -nireq 1 to emulate sync behavior");
  const bool only_inference = inference_only(opt, s.plan);
  if (report) {
    report->add(Category::execution_results, "read model time (ms)", "read_model_time", s.read_ms);
    if (s.plan.reshape)
      report->add(Category::execution_results, "reshape model time (ms)", "reshape_model_time", s.reshape_ms);
  }

  step();
  double compile_ms = 0;
  CompiledModel compiled = compile(s, config, compile_ms);
  if (report)
    report->add(Category::execution_results, "compile model time (ms)", "load_model_time", compile_ms);

  step();
  print_properties(compiled);
  const std::string sparse = sparse_summary(compiled);
  info("Sparse weights: " + sparse);
  const std::string streams = compiled.get_property("NUM_STREAMS").as_string();
  const size_t nireq = choose_nireq(opt, compiled);
  const Limits limits = make_limits(opt, nireq, s.plan.configs);
  if (report) {
    report->add(Category::runtime_config, "benchmark mode", "benchmark_mode",
                std::string(only_inference ? "inference only" : "full"));
    report->add(Category::runtime_config, "topology", "topology", s.model->name());
    report->add(Category::runtime_config, "target device", "target_device", std::string("CPU"));
    report->add(Category::runtime_config, "API", "api", opt.api);
    report->add(Category::runtime_config, "batch size", "batch_size", s.plan.batch);
    report->add(Category::runtime_config, "number of iterations", "iterations_num", limits.niter);
    report->add(Category::runtime_config, "number of parallel infer requests", "nireq",
                static_cast<int64_t>(nireq));
    report->add(Category::runtime_config, "duration (ms)", "duration",
                static_cast<int64_t>(limits.duration_ms));
    report->add(Category::runtime_config, "number of CPU streams", "cpu_streams_num", streams);
    report->add(Category::runtime_config, "sparse weights", "sparse_weights", sparse);
  }

  step();
  RequestQueue queue(compiled, nireq, opt.api == "async");
  std::vector<std::vector<Tensor>> data = make_input_data(s.plan);

  step(measuring_title(opt, nireq, streams, limits));
  if (only_inference) {
    info("Benchmarking in inference only mode (inputs filling are not included in measurement loop).");
    queue.set_inputs_once(data, s.plan.inputs);
  } else {
    info("Benchmarking in full mode (inputs filling are included in measurement loop).");
  }
  double first_ms = queue.first_inference(only_inference ? nullptr : &data[0], s.plan.inputs);
  info("First inference took " + ms2(first_ms) + " ms");
  if (report)
    report->add(Category::execution_results, "first inference time (ms)", "first_inference_time", first_ms);
  std::fflush(stdout);
  Measurement m =
      queue.run(limits, only_inference ? nullptr : &data, s.plan.inputs, s.plan.batches, isatty(2) == 1);
  LatencyMetrics latency = LatencyMetrics::from(m.latencies_ms, opt.latency_percentile);
  const double fps =
      opt.api == "sync" ? static_cast<double>(s.plan.batch) * 1000.0 / latency.median_or_percentile : m.fps;

  step();
  if (!opt.dump_config.empty()) {
    dump_config(opt.dump_config, compiled);
    info("sparrow configuration settings were dumped to " + opt.dump_config);
  }
  if (perf_counts) {
    const std::vector<LayerInfo> layers = compiled.layers();
    std::vector<std::vector<ProfilingInfo>> per_request;
    for (size_t i = 0; i < queue.size(); ++i) {
      std::vector<ProfilingInfo> counts = queue.request(i).get_profiling_info();
      if (!opt.pcsort.empty()) {
        info("Sort performance counts for " + std::to_string(i) + "-th infer request:");
        print_performance_counts(counts, layers, s.device_name, opt.pcsort);
      } else if (opt.pc.value_or(false)) {
        info("Performance counts for " + std::to_string(i) + "-th infer request:");
        print_performance_counts(counts, layers, s.device_name, "");
      }
      per_request.push_back(std::move(counts));
    }
    if (report) report->dump_performance_counters(per_request);
  }
  if (report) {
    report->add(Category::execution_results, "total execution time (ms)", "execution_time", m.duration_ms);
    report->add(Category::execution_results, "total number of iterations", "iterations_num",
                static_cast<int64_t>(m.iterations));
    report->add(Category::execution_results,
                opt.latency_percentile == 50
                    ? "Median latency (ms)"
                    : "latency (" + std::to_string(opt.latency_percentile) + " percentile) (ms)",
                "latency_median", latency.median_or_percentile);
    report->add(Category::execution_results, "Percentile boundary", "percentile_boundary",
                opt.latency_percentile);
    report->add(Category::execution_results, "Average latency (ms)", "latency_avg", latency.avg);
    report->add(Category::execution_results, "Min latency (ms)", "latency_min", latency.min);
    report->add(Category::execution_results, "Max latency (ms)", "latency_max", latency.max);
    report->add(Category::execution_results, "throughput", "throughput", fps);
    report->dump();
  }
  info("Execution Devices: " + compiled.get_property("EXECUTION_DEVICES").as_string());
  info("Count:               " + std::to_string(m.iterations) + " iterations");
  info("Duration:            " + ms2(m.duration_ms) + " ms");
  info("Latency:");
  print_latency(latency);
  info("Throughput:          " + ms2(fps) + " FPS");
}

}  // namespace sparrow::tools::bench
