// sparrow bench --compare: one compiled model per config file in one process, measured in alternating rounds
// (A B, then B A, ...) so that drift and noise of the machine fall on every config alike.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "bench.h"

namespace sparrow::tools::bench {
namespace {

struct Candidate {
  std::string label;
  AnyMap config;
  CompiledModel compiled;
  size_t nireq = 1;
  std::string streams;
  std::unique_ptr<RequestQueue> queue;
  std::vector<double> round_fps;
  std::vector<double> round_latency;  // the median (or -latency_percentile) of each round
  std::vector<double> latencies;      // every latency of every round
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string spread(const std::vector<double>& v, int digits) {
  auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f [%.*f - %.*f]", digits, median(v), digits, *lo, digits, *hi);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

// Config files are named by file name, or by the path as given when two share a file name.
std::vector<std::string> labels(const std::vector<std::string>& files) {
  std::vector<std::string> out;
  std::set<std::string> names;
  for (const std::string& f : files) names.insert(std::filesystem::path(f).filename().string());
  for (const std::string& f : files)
    out.push_back(names.size() == files.size() ? std::filesystem::path(f).filename().string() : f);
  return out;
}

void print_summary(const std::vector<Candidate>& cs, const Options& opt) {
  const std::string lat = opt.latency_percentile == 50
                              ? "Latency median (ms)"
                              : "Latency " + std::to_string(opt.latency_percentile) + " percentile (ms)";
  size_t width = 6;
  for (const Candidate& c : cs) width = std::max(width, c.label.size());
  info("Comparison over " + std::to_string(opt.rounds) + " rounds: median [min - max] across rounds");
  info(pad("config", width) + pad("Throughput (FPS)", 30) + pad(lat, 26) + "Throughput ratio to " +
       cs[0].label);
  for (const Candidate& c : cs) {
    std::vector<double> ratios;
    for (size_t r = 0; r < c.round_fps.size(); ++r) ratios.push_back(c.round_fps[r] / cs[0].round_fps[r]);
    info(pad(c.label, width) + pad(spread(c.round_fps, 2), 30) + pad(spread(c.round_latency, 2), 26) +
         spread(ratios, 3));
  }
}

}  // namespace

void run_compare(const Options& opt) {
  std::vector<Candidate> cs;
  std::vector<std::string> names = labels(opt.compare);
  for (size_t i = 0; i < opt.compare.size(); ++i) {
    Candidate c;
    c.label = names[i];
    c.config = load_config(opt.compare[i]);
    cs.push_back(std::move(c));
  }

  Setup s;
  load_runtime(s);

  step();
  for (Candidate& c : cs) {
    info("Config " + c.label + ":");
    bool perf_counts = false;
    c.config = device_config(opt, c.config, perf_counts);
  }

  read_and_reshape(s, opt);
  SPARROW_CHECK(!(s.plan.dynamic && s.plan.configs > 1 && opt.api == "sync"),
                "Benchmarking of the model with dynamic shapes is available for async API only");
  const bool only_inference = inference_only(opt, s.plan);

  step();
  for (Candidate& c : cs) {
    double compile_ms = 0;
    info("Config " + c.label + ":");
    c.compiled = compile(s, c.config, compile_ms);
  }

  step();
  const int64_t rounds = opt.rounds;
  for (Candidate& c : cs) {
    info("Config " + c.label + ":");
    print_properties(c.compiled);
    c.streams = c.compiled.get_property("NUM_STREAMS").as_string();
    c.nireq = choose_nireq(opt, c.compiled);
  }
  // -t and -niter are totals per config, split evenly over the rounds.
  Limits limits;
  limits.niter = opt.niter > 0 ? (opt.niter + rounds - 1) / rounds : 0;
  const double total_ms = opt.was_given("t") ? static_cast<double>(opt.time_s) * 1000 : opt.niter ? 0 : 60000;
  limits.duration_ms = total_ms / static_cast<double>(rounds);

  step();
  for (Candidate& c : cs) c.queue = std::make_unique<RequestQueue>(c.compiled, c.nireq, opt.api == "async");
  std::vector<std::vector<Tensor>> data = make_input_data(s.plan);

  std::string title = "Comparing " + std::to_string(cs.size()) + " configs in " + std::to_string(rounds) +
                      " alternating rounds; each round runs every config with limits: ";
  if (limits.duration_ms > 0)
    title += std::to_string(static_cast<int64_t>(limits.duration_ms)) + " ms duration";
  if (limits.niter > 0)
    title += std::string(limits.duration_ms > 0 ? ", " : "") + std::to_string(limits.niter) + " iterations";
  step(title);
  for (const Candidate& c : cs)
    info(c.label + ": inference " + opt.api + "hronously" +
         (opt.api == "async"
              ? ", " + std::to_string(c.nireq) + " inference requests using " + c.streams + " streams for CPU"
              : std::string()));
  info(only_inference
           ? "Benchmarking in inference only mode (inputs filling are not included in measurement loop)."
           : "Benchmarking in full mode (inputs filling are included in measurement loop).");
  for (Candidate& c : cs) {
    if (only_inference) c.queue->set_inputs_once(data, s.plan.inputs);
    double first_ms = c.queue->first_inference(only_inference ? nullptr : &data[0], s.plan.inputs);
    info("First inference took " + ms2(first_ms) + " ms (" + c.label + ")");
  }
  const bool progress = isatty(2) == 1;
  for (int64_t r = 0; r < rounds; ++r) {
    std::vector<size_t> order(cs.size());
    for (size_t i = 0; i < cs.size(); ++i) order[i] = r % 2 ? cs.size() - 1 - i : i;
    for (size_t i : order) {
      Candidate& c = cs[i];
      Measurement m =
          c.queue->run(limits, only_inference ? nullptr : &data, s.plan.inputs, s.plan.batches, progress);
      LatencyMetrics lat = LatencyMetrics::from(m.latencies_ms, opt.latency_percentile);
      c.round_fps.push_back(
          opt.api == "sync" ? static_cast<double>(s.plan.batch) * 1000.0 / lat.median_or_percentile : m.fps);
      c.round_latency.push_back(lat.median_or_percentile);
      c.latencies.insert(c.latencies.end(), m.latencies_ms.begin(), m.latencies_ms.end());
    }
    std::string line = "Round " + std::to_string(r + 1) + "/" + std::to_string(rounds) + ":";
    for (size_t i : order)
      line += " " + cs[i].label + " " + ms2(cs[i].round_fps.back()) + " FPS, " +
              ms2(cs[i].round_latency.back()) + " ms;";
    line.pop_back();
    info(line);
    std::fflush(stdout);
  }

  step();
  print_summary(cs, opt);
  if (!opt.plot.empty()) {
    std::vector<PlotSeries> series;
    for (const Candidate& c : cs) series.push_back({c.label, c.round_fps, c.latencies});
    write_plot(opt.plot, series);
    info("Plot is stored to " + opt.plot);
  }
}

}  // namespace sparrow::tools::bench
