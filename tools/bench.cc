// sparrow bench: the command line. benchmark_app spells its flags with one dash (-shape, -load_config); CLI11
// takes multi-letter names only after two, so the arguments are rewritten before an inner parser reads them.
#include "bench.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "commands.h"

namespace sparrow::tools {
namespace {

using bench::Options;

const std::set<std::string, std::less<>> kLongFlags = {
    "help", "shape",  "data_shape",  "niter",         "nireq",      "nstreams",       "nthreads",
    "hint", "api",    "load_config", "dump_config",   "pin",        "inference_only", "latency_percentile",
    "pc",   "pcsort", "report_type", "report_folder", "json_stats", "compare",        "rounds",
    "plot"};
const std::set<std::string, std::less<>> kBoolFlags = {"pc", "json_stats", "inference_only"};
const std::set<std::string, std::less<>> kExtensions = {"compare", "rounds", "plot"};

bool is_bool_text(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s == "true" || s == "false" || s == "yes" || s == "no" || s == "1" || s == "0";
}

// -shape X -> --shape X, -pc -> --pc, -pc false -> --pc=false; rejects unknown multi-letter single-dash
// flags.
std::vector<std::string> rewrite_args(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "--") {
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    bool single = a.size() > 2 && a[0] == '-' && std::isalpha(static_cast<unsigned char>(a[1]));
    bool dbl = a.size() > 2 && a[0] == '-' && a[1] == '-';
    if (single || dbl) {
      std::string body = a.substr(dbl ? 2 : 1);
      std::string name = body.substr(0, body.find('='));
      if (kLongFlags.count(name) == 0) fail("bench: unknown option '", a, "' (see sparrow bench --help)");
      a = "--" + body;
      if (kBoolFlags.count(name) && body.find('=') == std::string::npos && i + 1 < args.size() &&
          is_bool_text(args[i + 1]))
        a += "=" + args[++i];
    }
    out.push_back(a);
  }
  return out;
}

// Help lists benchmark_app's flags as benchmark_app spells them.
class BenchFormatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool positional) const override {
    std::string names = CLI::Formatter::make_option_name(opt, positional);
    std::string out;
    size_t start = 0;
    while (start <= names.size()) {
      size_t end = names.find(',', start);
      if (end == std::string::npos) end = names.size();
      std::string n = names.substr(start, end - start);
      if (n.rfind("--", 0) == 0 && kExtensions.count(n.substr(2)) == 0 && n.size() > 3) n = n.substr(1);
      out += (out.empty() ? "" : ",") + n;
      start = end + 1;
    }
    return out;
  }
};

void add_flags(CLI::App& app, Options& o, bool& pc, bool& json_stats, bool& inference_only) {
  app.add_option("-m", o.model,
                 "model: a folder with openvino_model.xml, an OpenVINO IR .xml, or a Hugging Face id");
  app.add_option("-d", o.device, "device; sparrow runs on CPU only")->capture_default_str();
  app.add_option(
      "--shape", o.shape,
      "shapes to compile with: \"input_ids[1,64],attention_mask[1,64]\", or \"[1,64]\" for every input");
  app.add_option("--data_shape", o.data_shape,
                 "tensor shapes to feed a model with dynamic shapes, same syntax; several per input "
                 "(\"input_ids[1,64][1,128]\") give several test configurations");
  app.add_option("-b", o.batch, "batch size: sets dimension 0 of every input");
  app.add_option("-t", o.time_s, "seconds to measure for (default 60 unless -niter is given)");
  app.add_option("--niter", o.niter,
                 "number of iterations (rounded up to a multiple of -nireq in async mode)");
  app.add_option("--nireq", o.nireq, "number of infer requests (default OPTIMAL_NUMBER_OF_INFER_REQUESTS)");
  app.add_option("--nstreams", o.nstreams, "NUM_STREAMS: a number or AUTO");
  app.add_option("--nthreads", o.nthreads, "INFERENCE_NUM_THREADS: threads across all streams");
  app.add_option(
      "--hint", o.hint,
      "PERFORMANCE_HINT: throughput (tput), cumulative_throughput (ctput), latency or none; default "
      "throughput for -api async, latency for sync, unless -nstreams or -nthreads is given");
  app.add_option("--api", o.api, "sync or async")->capture_default_str();
  app.add_option(
      "--load_config", o.load_config,
      "JSON file of device properties: {\"CPU\": {\"NUM_STREAMS\": 4, \"INFERENCE_NUM_THREADS\": 4}}");
  app.add_option("--dump_config", o.dump_config, "write the compiled model's properties to this JSON file");
  app.add_option("--pin", o.pin, "ENABLE_CPU_PINNING: true/false or YES/NO");
  app.add_flag("--inference_only", inference_only,
               "set the inputs once, outside the loop (default true for static shapes; -inference_only=false "
               "sets them in every iteration)");
  app.add_option("--latency_percentile", o.latency_percentile, "latency percentile to report, 1..100")
      ->capture_default_str();
  app.add_option(
      "-i", o.inputs,
      "input data: \"input_ids:ids.npy,attention_mask:mask.npy\", or one file for a one-input model; "
      ".npy or raw .bin; inputs without a file get generated data");
  app.add_flag("--pc", pc, "per-layer performance counters (PERF_COUNT) printed after the run");
  app.add_option("--pcsort", o.pcsort, "print counters sorted: sort, no_sort or simple_sort (executed only)");
  app.add_option("--report_type", o.report_type, "no_counters, average_counters or detailed_counters");
  app.add_option("--report_folder", o.report_folder,
                 "folder for benchmark_report.csv and the counter reports (benchmark_<type>_report.csv)");
  app.add_flag("--json_stats", json_stats, "write the reports as JSON instead of CSV");
  app.add_option("--compare", o.compare,
                 "sparrow: benchmark two or more -load_config files in one process, in alternating rounds")
      ->expected(2, CLI::detail::expected_max_vector_size);
  app.add_option("--rounds", o.rounds,
                 "sparrow: rounds of --compare; each config runs -t/rounds seconds per round")
      ->capture_default_str();
  app.add_option("--plot", o.plot,
                 "sparrow: with --compare, write an SVG of throughput per round and latencies");
}

void record_given(const CLI::App& app, Options& o, bool pc, bool json_stats, bool inference_only) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->count() == 0) continue;
    std::string name = opt->get_name();
    while (!name.empty() && name.front() == '-') name.erase(0, 1);
    if (name == "help") continue;
    std::string value;
    if (name == "pc")
      value = pc ? "true" : "false";
    else if (name == "json_stats")
      value = json_stats ? "true" : "false";
    else if (name == "inference_only")
      value = inference_only ? "true" : "false";
    else
      for (const std::string& r : opt->results()) value += (value.empty() ? "" : " ") + r;
    o.given.emplace_back(name, value);
  }
  if (o.was_given("pc")) o.pc = pc;
  if (o.was_given("inference_only")) o.inference_only = inference_only;
  o.json_stats = json_stats;
}

void validate(const Options& o) {
  SPARROW_CHECK(!o.model.empty(), "bench: -m is required (a model folder, .xml file or Hugging Face id)");
  SPARROW_CHECK(o.device == "CPU", "bench: device '", o.device,
                "' is not supported: sparrow runs on CPU only (-d CPU)");
  SPARROW_CHECK(o.latency_percentile >= 1 && o.latency_percentile <= 100, "bench: -latency_percentile ",
                o.latency_percentile, " is outside [1, 100]");
  SPARROW_CHECK(o.api == "sync" || o.api == "async", "bench: -api '", o.api, "' is not sync or async");
  static const std::set<std::string> hints = {
      "", "throughput", "tput", "latency", "cumulative_throughput", "ctput", "none"};
  SPARROW_CHECK(hints.count(o.hint), "bench: -hint '", o.hint,
                "' is not one of throughput (tput), cumulative_throughput (ctput), latency, none");
  SPARROW_CHECK(!o.was_given("niter") || o.niter > 0, "bench: -niter ", o.niter, " must be at least 1");
  SPARROW_CHECK(!o.was_given("t") || o.time_s > 0, "bench: -t ", o.time_s,
                " must be a positive number of seconds");
  SPARROW_CHECK(o.nireq >= 0, "bench: -nireq ", o.nireq, " must not be negative");
  SPARROW_CHECK(o.nthreads >= 0, "bench: -nthreads ", o.nthreads, " must not be negative");
  SPARROW_CHECK(o.batch >= 0, "bench: -b ", o.batch, " must not be negative");
  SPARROW_CHECK(!o.was_given("b") || o.batch > 0, "bench: -b 0 is not a batch size");
  static const std::set<std::string> reports = {"", "no_counters", "average_counters", "detailed_counters"};
  SPARROW_CHECK(reports.count(o.report_type), "bench: -report_type '", o.report_type,
                "' is not one of no_counters, average_counters, detailed_counters");
  static const std::set<std::string> sorts = {"", "sort", "no_sort", "simple_sort"};
  SPARROW_CHECK(sorts.count(o.pcsort), "bench: -pcsort '", o.pcsort,
                "' is not one of sort, no_sort, simple_sort");
  if (!o.compare.empty()) {
    SPARROW_CHECK(o.load_config.empty(), "bench: --compare takes the config files itself; drop -load_config");
    for (const char* f : {"dump_config", "pc", "pcsort", "report_type", "report_folder", "json_stats"})
      SPARROW_CHECK(!o.was_given(f), "bench: -", f, " is not supported with --compare");
    SPARROW_CHECK(o.rounds >= 1, "bench: --rounds ", o.rounds, " must be at least 1");
  } else {
    SPARROW_CHECK(o.plot.empty(), "bench: --plot draws the rounds of --compare; give --compare too");
    SPARROW_CHECK(!o.was_given("rounds"), "bench: --rounds is for --compare");
  }
}

void run_bench(const std::vector<std::string>& raw) {
  Options o;
  bool pc = false, json_stats = false, inference_only = true;
  CLI::App app{"Benchmarks a model the way OpenVINO's benchmark_app does, with its flags and report.",
               "sparrow bench"};
  app.formatter(std::make_shared<BenchFormatter>());
  app.get_formatter()->column_width(32);
  add_flags(app, o, pc, json_stats, inference_only);
  std::vector<std::string> args = rewrite_args(raw);
  if (std::find(args.begin(), args.end(), "-h") != args.end() ||
      std::find(args.begin(), args.end(), "--help") != args.end()) {
    std::printf("%s", app.help().c_str());
    return;
  }
  bench::step();
  bench::info("Parsing input parameters");
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    fail("bench: ", e.what(), " (see sparrow bench --help)");
  }
  record_given(app, o, pc, json_stats, inference_only);
  validate(o);
  if (o.compare.empty())
    bench::run(o);
  else
    bench::run_compare(o);
}

}  // namespace

namespace bench {
bool Options::was_given(const std::string& name) const {
  for (const auto& [n, v] : given)
    if (n == name) return true;
  return false;
}
}  // namespace bench

void add_bench_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Benchmark a model with OpenVINO benchmark_app's flags and report (sparrow bench --help lists them)");
  cmd->prefix_command();
  cmd->set_help_flag();
  cmd->callback([cmd] { run_bench(cmd->remaining()); });
}

}  // namespace sparrow::tools
