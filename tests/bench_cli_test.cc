// `sparrow bench` as a user runs it: benchmark_app's report lines, per-layer counters, report files,
// -dump_config/-load_config round trips, --compare and --plot, and a clear error for every misuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "support/cli.h"
#include "support/golden.h"
#include "support/paths.h"

namespace sparrow::testing {
namespace {

namespace fs = std::filesystem;

const std::string kShape = "input_ids[1,64],attention_mask[1,64],token_type_ids[1,64]";

std::string sst2() {
  return (shared_dir() / "data/models/sst2-tiny-sparse-int8").string();
}

// A fresh folder for one test's files.
fs::path scratch(const std::string& name) {
  fs::path dir = build_dir() / "bench_cli_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

fs::path write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The number after `label` on the line that holds it, or -1.
double number_after(const std::string& text, const std::string& label) {
  size_t at = text.find(label);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + label.size()));
}

bool has(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

// Rows of the first printed per-layer table ("Performance counts for 0-th infer request:" .. "Total time:").
std::vector<std::string> counter_rows(const std::string& out) {
  std::vector<std::string> rows;
  bool inside = false;
  for (const std::string& line : lines_of(out)) {
    if (has(line, "Performance counts for 0-th infer request:"))
      inside = true;
    else if (inside && line.rfind("Total time:", 0) == 0)
      break;
    else if (inside)
      rows.push_back(line);
  }
  return rows;
}

TEST(BenchCli, SeedConfigsPrintEveryBenchmarkAppLine) {
  fs::path dir = scratch("seed");
  const std::vector<std::pair<std::string, std::string>> configs = {
      {R"({"CPU": {"NUM_STREAMS": 4, "INFERENCE_NUM_THREADS": 4}})", "1.0"},
      {R"({"CPU": {"NUM_STREAMS": 4, "INFERENCE_NUM_THREADS": 4, "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE": "0.75"}})",
       "0.75"}};
  for (const auto& [json, rate] : configs) {
    fs::path cfg = write(dir / "cfg.json", json);
    CliResult r = run_cli("bench -m " + sst2() + " -shape " + shell_quote(kShape) + " -load_config " +
                          cfg.string() + " -t 1");
    ASSERT_EQ(r.status, 0) << r.output();
    const std::string& out = r.out;
    for (const char* line :
         {"[Step 1/11] Parsing and validating input arguments",
          "[Step 2/11] Loading sparrow runtime",
          "[Step 3/11] Setting device configuration",
          "[Step 4/11] Reading model files",
          "[Step 5/11] Resizing model to match image sizes and given batch",
          "[Step 6/11] Configuring input of the model",
          "[Step 7/11] Loading the model to the device",
          "[Step 8/11] Querying optimal runtime parameters",
          "[Step 9/11] Creating infer requests and preparing input tensors",
          "[Step 10/11] Measuring performance (Start inference asynchronously, 4 inference requests using 4 "
          "streams for CPU, limits: 1000 ms duration)",
          "[Step 11/11] Dumping statistics report",
          "[ INFO ] Build ................................. ",
          "[ INFO ] FULL_DEVICE_NAME: ",
          "[ WARNING ] Performance hint was not explicitly specified in command line. Device(CPU) "
          "performance "
          "hint will be set to THROUGHPUT.",
          "[ INFO ] Read model took ",
          "[ INFO ] Original model I/O parameters:",
          "[ INFO ]     input_ids (node: input_ids) : i64 / [...] / [?,?]",
          "[ INFO ] Reshaping model: 'input_ids': [1,64], 'attention_mask': [1,64], 'token_type_ids': [1,64]",
          "[ INFO ] Reshape model took ",
          "[ INFO ] Model batch size: 1",
          "[ INFO ]     input_ids (node: input_ids) : i64 / [...] / [1,64]",
          "[ INFO ] Compile model took ",
          "[ INFO ] Model:",
          "[ INFO ]   NETWORK_NAME: sst2-tiny-sparse-int8",
          "[ INFO ]   NUM_STREAMS: 4",
          "[ INFO ]   INFERENCE_NUM_THREADS: 4",
          "[ INFO ]   PERFORMANCE_HINT: THROUGHPUT",
          "[ INFO ]   OPTIMAL_NUMBER_OF_INFER_REQUESTS: 4",
          "[ INFO ] input_ids       ([...], i64, [1,64], static):\trandom integers in [0, 255]",
          "[ INFO ] attention_mask  ([...], i64, [1,64], static):\tones (attention mask)",
          "[ INFO ] token_type_ids  ([...], i64, [1,64], static):\tzeros (token type ids)",
          "[ INFO ] Benchmarking in inference only mode",
          "[ INFO ] First inference took ",
          "[ INFO ] Execution Devices: CPU",
          "[ INFO ] Count:               ",
          "[ INFO ] Duration:            ",
          "[ INFO ] Latency:",
          "[ INFO ] \tMedian:     ",
          "[ INFO ] \tAverage:    ",
          "[ INFO ] \tMin:        ",
          "[ INFO ] \tMax:        ",
          "[ INFO ] Throughput:          "}) {
      EXPECT_TRUE(has(out, line)) << "missing: " << line << "\n" << out;
    }
    EXPECT_TRUE(has(out, "[ INFO ]   CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: " + rate + "\n")) << out;
    // The model's 12 encoder layers have 80% zeros: all go sparse at 0.75, none at 1.0 (off).
    EXPECT_TRUE(has(out, std::string("[ INFO ] Sparse weights: ") + (rate == "0.75" ? "12" : "0") +
                             " of 12 int8 linear layers run a sparse format"))
        << out;
    EXPECT_GT(number_after(out, "Count:"), 0) << out;
    EXPECT_GT(number_after(out, "Duration:"), 900) << out;
    EXPECT_GT(number_after(out, "Throughput:"), 0) << out;
    EXPECT_LE(number_after(out, "Min:"), number_after(out, "Median:"));
    EXPECT_LE(number_after(out, "Median:"), number_after(out, "Max:"));
    EXPECT_EQ(r.err, "") << "stderr is not a terminal, so no progress line";
  }
}

TEST(BenchCli, PerLayerCountersHaveOneRowPerExecutedNode) {
  CliResult r = run_cli("bench -m " + sst2() + " -shape " + shell_quote(kShape) + " -pc -nireq 1 -niter 3");
  ASSERT_EQ(r.status, 0) << r.output();
  std::vector<std::string> rows = counter_rows(r.out);

  Core core;
  auto model = core.read_model(shared_dir() / "data/models/sst2-tiny-sparse-int8/openvino_model.xml");
  model->reshape(PartialShape{1, 64});
  CompiledModel compiled = core.compile_model(model, "CPU", {{"PERF_COUNT", true}});
  std::vector<LayerInfo> executed;
  for (const LayerInfo& l : compiled.layers())
    if (l.type != "Parameter" && l.type != "Const" && l.type != "Result") executed.push_back(l);
  ASSERT_EQ(rows.size(), executed.size()) << r.out;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(has(rows[i], "EXECUTED") && has(rows[i], "layerType: " + executed[i].type + " ") &&
                has(rows[i], "execType: " + executed[i].exec_type) && has(rows[i], "realTime (ms): ") &&
                has(rows[i], "cpuTime (ms): "))
        << rows[i] << " vs " << executed[i].name;
  }
  EXPECT_TRUE(has(r.out, "Total CPU time: ")) << r.out;
  EXPECT_TRUE(has(r.out, "Full device name: ")) << r.out;
  EXPECT_TRUE(has(r.out, "[ INFO ]   PERF_COUNT: YES")) << r.out;
}

// With the sparse path on, each linear layer's row names its weight format, zero share and 0-group share,
// and its execType is that format's kernel.
TEST(BenchCli, PerLayerCountersShowSparseFormats) {
  fs::path cfg = write(scratch("pc-sparse") / "sparse.json",
                       R"({"CPU": {"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE": "0.75"}})");
  CliResult r = run_cli("bench -m " + sst2() + " -shape " + shell_quote(kShape) + " -pc -nireq 1 -niter 2 -load_config " +
                        cfg.string());
  ASSERT_EQ(r.status, 0) << r.output();
  int sparse_rows = 0;
  for (const std::string& row : counter_rows(r.out)) {
    if (!has(row, "layerType: QuantizedMatMul")) {
      EXPECT_FALSE(has(row, " weights: ")) << row;
      continue;
    }
    ++sparse_rows;
    EXPECT_TRUE(has(row, "zeros: 80.0% 0-groups: ")) << row;
    EXPECT_TRUE((has(row, " weights: bitmask ") && has(row, "execType: qgemm_u8s8s32_bitmask_")) ||
                (has(row, " weights: groups ") && has(row, "execType: qgemm_u8s8s32_groups_")))
        << row;
  }
  EXPECT_EQ(sparse_rows, 12) << r.out;
}

TEST(BenchCli, SortedCountersShowProportions) {
  CliResult r = run_cli("bench -m " + sst2() + " -shape '[1,16]' -pcsort simple_sort -nireq 1 -niter 2");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_TRUE(
      has(r.out, "Turn on sorted performance counters for CPU device since pcsort value is simple_sort."))
      << r.out;
  EXPECT_TRUE(has(r.out, "Sort performance counts for 0-th infer request:")) << r.out;
  EXPECT_TRUE(has(r.out, "proportion: ")) << r.out;
}

TEST(BenchCli, ReportFolderWritesBenchmarkAppCsv) {
  fs::path dir = scratch("csv");
  CliResult r =
      run_cli("bench -m " + sst2() + " -shape '[1,16]' -niter 4 -nireq 2 -report_type detailed_counters " +
              "-report_folder " + dir.string());
  ASSERT_EQ(r.status, 0) << r.output();
  std::string report = read(dir / "benchmark_report.csv");
  for (const std::string& line : lines_of(report)) {
    EXPECT_TRUE(line.empty() || line.back() == ';') << line;
  }
  for (const char* section : {"Command line parameters;", "Configuration setup;", "Execution results;",
                              "report_type;detailed_counters;", "number of parallel infer requests;2;",
                              "total number of iterations;4;"}) {
    EXPECT_TRUE(has(report, section)) << section << "\n" << report;
  }
  EXPECT_GT(number_after(report, "\nthroughput;"), 0) << report;
  EXPECT_GT(number_after(report, "\nMedian latency (ms);"), 0) << report;

  std::string counters = read(dir / "benchmark_detailed_counters_report.csv");
  std::vector<std::string> lines = lines_of(counters);
  ASSERT_FALSE(lines.empty()) << counters;
  EXPECT_EQ(lines[0], "layerName;execStatus;layerType;execType;realTime (ms);cpuTime (ms);");
  size_t headers = 0, totals = 0;
  for (const std::string& line : lines) {
    headers += line.rfind("layerName;", 0) == 0;
    totals += line.rfind("Total;;;;", 0) == 0;
  }
  EXPECT_EQ(headers, 2u) << "one table per request";
  EXPECT_EQ(totals, 2u);
}

TEST(BenchCli, AverageCountersReport) {
  fs::path dir = scratch("average");
  CliResult r = run_cli("bench -m " + sst2() + " -shape '[1,16]' -niter 2 -report_type average_counters " +
                        "-report_folder " + dir.string());
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_TRUE(
      has(r.out, "Turn on performance counters for CPU device since report type is average_counters."));
  std::string counters = read(dir / "benchmark_average_counters_report.csv");
  EXPECT_EQ(lines_of(counters).at(0), "layerName;execStatus;layerType;execType;realTime (ms);cpuTime (ms);");
}

TEST(BenchCli, JsonStatsHaveTheFigures) {
  fs::path dir = scratch("json");
  CliResult r =
      run_cli("bench -m " + sst2() + " -shape '[1,16]' -niter 4 -nireq 2 -json_stats -report_folder " +
              dir.string() + " -report_type average_counters");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_FALSE(fs::exists(dir / "benchmark_report.csv"));
  auto j = nlohmann::json::parse(read(dir / "benchmark_report.json"));
  const auto& results = j.at("execution_results");
  EXPECT_EQ(results.at("iterations_num"), 4);
  EXPECT_GT(results.at("throughput").get<double>(), 0);
  EXPECT_GT(results.at("execution_time").get<double>(), 0);
  for (const char* key : {"latency_median", "latency_avg", "latency_min", "latency_max",
                          "first_inference_time", "load_model_time", "read_model_time"}) {
    EXPECT_GT(results.at(key).get<double>(), 0) << key;
  }
  EXPECT_EQ(j.at("configuration_setup").at("nireq"), 2);
  EXPECT_EQ(j.at("cmd_options").at("niter"), "4");
  auto counters = nlohmann::json::parse(read(dir / "benchmark_average_counters_report.json"));
  EXPECT_EQ(counters.at("report_type"), "average");
  EXPECT_FALSE(counters.at("avg_performance").at("nodes").empty());
}

// The compiled-model properties of step 8, key -> value.
std::map<std::string, std::string> step8(const std::string& out) {
  std::map<std::string, std::string> props;
  bool inside = false;
  for (const std::string& line : lines_of(out)) {
    if (line == "[ INFO ] Model:")
      inside = true;
    else if (inside && line.rfind("[ INFO ]   ", 0) == 0) {
      std::string kv = line.substr(11);
      props[kv.substr(0, kv.find(':'))] = kv.substr(kv.find(':') + 2);
    } else if (inside)
      break;
  }
  return props;
}

TEST(BenchCli, DumpConfigRoundTripsThroughLoadConfig) {
  fs::path dir = scratch("dump");
  CliResult first =
      run_cli("bench -m " + sst2() + " -shape '[1,16]' -niter 2 -hint none -nstreams 2 -nthreads 2 " +
              "-pin NO -dump_config " + (dir / "a.json").string());
  ASSERT_EQ(first.status, 0) << first.output();
  auto dumped = nlohmann::json::parse(read(dir / "a.json"));
  EXPECT_EQ(dumped.at("CPU").at("NUM_STREAMS"), "2") << dumped;
  EXPECT_EQ(dumped.at("CPU").at("ENABLE_CPU_PINNING"), "NO") << dumped;
  EXPECT_FALSE(dumped.at("CPU").contains("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
      << "read-only keys are not dumped";

  CliResult second = run_cli("bench -m " + sst2() + " -shape '[1,16]' -niter 2 -load_config " +
                             (dir / "a.json").string() + " -dump_config " + (dir / "b.json").string());
  ASSERT_EQ(second.status, 0) << second.output();
  EXPECT_EQ(step8(first.out), step8(second.out)) << first.out << second.out;
  EXPECT_EQ(dumped, nlohmann::json::parse(read(dir / "b.json")));
}

TEST(BenchCli, StaticModelSyncApiAndPercentile) {
  std::string model = (generated_models_dir() / "tiny-int8-compressed-static").string();
  ASSERT_TRUE(fs::exists(model)) << model << ": run the generate_test_models test first";
  CliResult r = run_cli("bench -m " + model + " -api sync -niter 5 -latency_percentile 90");
  ASSERT_EQ(r.status, 0) << r.output();
  for (const char* line : {"hint will be set to LATENCY.", "[ INFO ] Model batch size: 2",
                           "Start inference synchronously, limits: 5 iterations",
                           "[ INFO ] Count:               5 iterations", "[ INFO ] \t90 percentile:    "}) {
    EXPECT_TRUE(has(r.out, line)) << "missing: " << line << "\n" << r.out;
  }
  EXPECT_FALSE(has(r.out, "Reshaping model")) << r.out;
  // Sync throughput is batch / latency percentile, as benchmark_app reports it. Both are printed with two
  // decimals, so the product can be off by the relative rounding of each: 0.005 / value. A sub-millisecond
  // latency (the tiny model on the fast path) makes that more than a percent.
  const double fps = number_after(r.out, "Throughput:"), p90_ms = number_after(r.out, "90 percentile:");
  EXPECT_NEAR(fps * p90_ms / (2 * 1000.0), 1.0, 0.005 / p90_ms + 0.005 / fps + 1e-6) << r.out;
}

TEST(BenchCli, BatchSetsDimensionZeroOfEveryInput) {
  CliResult r = run_cli("bench -m " + sst2() + " -shape '[1,16]' -b 4 -niter 2 -nireq 1");
  ASSERT_EQ(r.status, 0) << r.output();
  for (const char* line :
       {"Reshaping model: 'input_ids': [4,16], 'attention_mask': [4,16], 'token_type_ids': [4,16]",
        "[ INFO ] Model batch size: 4", "token_type_ids  ([...], i64, [4,16], static)"}) {
    EXPECT_TRUE(has(r.out, line)) << "missing: " << line << "\n" << r.out;
  }
  // Async throughput counts frames: iterations times the batch over the duration.
  EXPECT_NEAR(number_after(r.out, "Throughput:") * number_after(r.out, "Duration:") / (2 * 4 * 1000.0), 1.0,
              0.01)
      << r.out;
}

TEST(BenchCli, DynamicModelWithSeveralDataShapesRunsInFullMode) {
  CliResult r = run_cli("bench -m " + sst2() + " -data_shape '[1,16][2,8]' -niter 3 -nireq 2");
  ASSERT_EQ(r.status, 0) << r.output();
  for (const char* line : {"Number of iterations was aligned by request number from 3 to 4", "Test Config 1",
                           "input_ids       ([...], i64, [2,8], dyn:[?,?])", "Benchmarking in full mode",
                           "Count:               4 iterations"}) {
    EXPECT_TRUE(has(r.out, line)) << "missing: " << line << "\n" << r.out;
  }
}

// A little-endian int64 .npy file of the given shape and values.
void write_npy_i64(const fs::path& path, const std::vector<int64_t>& shape,
                   const std::vector<int64_t>& values) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  std::string header = "{'descr': '<i8', 'fortran_order': False, 'shape': (" + dims + "), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(header.size() & 0xff)
      << static_cast<char>(header.size() >> 8) << header;
  out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * 8));
}

TEST(BenchCli, InputFilesFeedTheirInputs) {
  fs::path dir = scratch("inputs");
  write_npy_i64(dir / "ids.npy", {1, 8}, {101, 2002, 1005, 1055, 1037, 21794, 16669, 102});
  std::vector<int64_t> ones(8, 1);
  std::ofstream(dir / "mask.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(ones.data()), static_cast<std::streamsize>(ones.size() * 8));
  CliResult r = run_cli("bench -m " + sst2() + " -i input_ids:" + (dir / "ids.npy").string() +
                        ",attention_mask:" + (dir / "mask.bin").string() + " -data_shape '[1,8]' -niter 2");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_TRUE(has(r.out, "input_ids       ([...], i64, [1,8], dyn:[?,?]):\t" + (dir / "ids.npy").string()))
      << r.out;
  EXPECT_TRUE(has(r.out, "attention_mask  ([...], i64, [1,8], dyn:[?,?]):\t" + (dir / "mask.bin").string()));
  EXPECT_TRUE(has(r.out, "No input files were given for input 'token_type_ids'!")) << r.out;
}

TEST(BenchCli, AnInferenceErrorEndsTheRunWithIt) {
  fs::path dir = scratch("inference_error");
  write_npy_i64(dir / "ids.npy", {1, 4}, {101, 1000000000, 2002, 102});
  for (const char* mode : {"-api async -nireq 2", "-api sync -inference_only=false"}) {
    CliResult r = run_cli("bench -m " + sst2() +
                          " -shape '[1,4]' -i input_ids:" + (dir / "ids.npy").string() + " -niter 4 " + mode);
    EXPECT_EQ(r.status, 1) << mode << "\n" << r.output();
    EXPECT_TRUE(has(r.err, "sparrow: error: ") && has(r.err, "index 1000000000")) << mode << "\n" << r.err;
  }
}

TEST(BenchCli, HelpListsBenchmarkAppFlags) {
  CliResult r = run_cli("bench --help");
  ASSERT_EQ(r.status, 0) << r.output();
  for (const char* flag : {"-m ",
                           "-d ",
                           "-shape ",
                           "-data_shape ",
                           "-b ",
                           "-t ",
                           "-niter ",
                           "-nireq ",
                           "-nstreams ",
                           "-nthreads ",
                           "-hint ",
                           "-api ",
                           "-load_config ",
                           "-dump_config ",
                           "-pin ",
                           "-inference_only ",
                           "-latency_percentile ",
                           "-i ",
                           "-pc ",
                           "-pcsort ",
                           "-report_type ",
                           "-report_folder ",
                           "-json_stats ",
                           "--compare ",
                           "--rounds ",
                           "--plot "}) {
    EXPECT_TRUE(has(r.out, "\n  " + std::string(flag))) << "missing: " << flag << "\n" << r.out;
  }
}

TEST(BenchCli, CompareRunsAlternatingRoundsAndPlots) {
  fs::path dir = scratch("compare");
  fs::path a = write(dir / "dense.json", R"({"CPU": {"NUM_STREAMS": 2, "INFERENCE_NUM_THREADS": 2}})");
  fs::path b = write(
      dir / "sparse.json",
      R"({"CPU": {"NUM_STREAMS": 2, "INFERENCE_NUM_THREADS": 2, "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE": 0.75}})");
  fs::path svg = dir / "plot.svg";
  CliResult r = run_cli("bench -m " + sst2() + " -shape '[1,16]' --compare " + a.string() + " " + b.string() +
                        " --rounds 2 -t 1 --plot " + svg.string());
  ASSERT_EQ(r.status, 0) << r.output();
  for (const char* line :
       {"Config dense.json:", "Config sparse.json:", "CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE: 0.75",
        "Round 1/2: dense.json ", "Round 2/2: sparse.json ", "Throughput ratio to dense.json",
        "[Step 11/11] Dumping statistics report"}) {
    EXPECT_TRUE(has(r.out, line)) << "missing: " << line << "\n" << r.out;
  }
  size_t at = r.out.find("[ INFO ] sparse.json ");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::string row = r.out.substr(at, r.out.find('\n', at) - at);
  EXPECT_EQ(std::count(row.begin(), row.end(), '['), 4) << "throughput, latency and ratio spreads: " << row;

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(svg.c_str())) << read(svg);
  EXPECT_STREQ(doc.document_element().name(), "svg");
  size_t bars = 0;
  for (pugi::xml_node rect : doc.document_element().children("rect")) bars += !rect.child("title").empty();
  EXPECT_EQ(bars, 2u * 2u + 2u) << "one bar per round and config, one box per config";
  EXPECT_TRUE(has(read(svg), "dense.json") && has(read(svg), "sparse.json"));
}

TEST(BenchCli, MisuseGivesOneClearError) {
  fs::path dir = scratch("errors");
  fs::path gpu = write(dir / "gpu.json", R"({"GPU": {"NUM_STREAMS": 4}})");
  fs::path unknown = write(dir / "unknown.json", R"({"CPU": {"NUM_STRAEMS": 4}})");
  fs::path broken = write(dir / "broken.json", R"({"CPU": {"NUM_STREAMS": 4)");
  fs::path invalid = write(dir / "invalid.json", R"({"CPU": {"NUM_STREAMS": 0}})");
  const std::string m = "bench -m " + sst2() + " ";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {m + "-shape '[1,16]' -unknown 3", "unknown option '-unknown'"},
      {m + "-shape 'input_ids[1,16' -niter 1", "-shape 'input_ids[1,16': unclosed '['"},
      {m + "-shape 'input_ids(1,16)' -niter 1", "-shape 'input_ids(1,16)': no '['"},
      {m + "-shape 'words[1,16]' -niter 1", "the model has no input 'words'"},
      {m + "-shape '[1,16,4]' -niter 1", "input 'input_ids' has rank 2"},
      {m + "-shape '[1,16]' -d GPU", "device 'GPU' is not supported"},
      {m + "-shape '[1,16]' -load_config " + gpu.string(), "gpu.json: a configuration for device 'GPU'"},
      {m + "-shape '[1,16]' -load_config " + unknown.string(),
       "unknown.json: unknown property 'NUM_STRAEMS'"},
      {m + "-shape '[1,16]' -load_config " + broken.string(), "broken.json: not valid JSON"},
      {m + "-shape '[1,16]' -load_config " + invalid.string(), "invalid.json: property NUM_STREAMS"},
      {m + "-shape '[1,16]' -load_config " + (dir / "missing.json").string(), "missing.json: cannot open"},
      {m + "-shape '[1,16]' -nstreams many -niter 1", "NUM_STREAMS"},
      {m + "-shape '[1,16]' -pin sometimes -niter 1", "ENABLE_CPU_PINNING"},
      {m + "-shape '[1,16]' -niter 0", "-niter 0 must be at least 1"},
      {m + "-shape '[1,16]' -t -5", "-t -5 must be a positive number of seconds"},
      {m + "-shape '[1,16]' -t soon", "-t"},
      {m + "-shape '[1,16]' -hint fastest", "-hint 'fastest'"},
      {m + "-shape '[1,16]' -api parallel", "-api 'parallel'"},
      {m + "-shape '[1,16]' -latency_percentile 101", "-latency_percentile 101"},
      {m + "-shape '[1,16]' -report_type everything", "-report_type 'everything'"},
      {m + "-niter 1", "input 'input_ids' has the dynamic shape [?,?]"},
      {m + "-data_shape '[1,?]' -niter 1", "-data_shape: [1,?] for input 'input_ids' is not static"},
      {m + "-shape '[1,16]' -data_shape '[1,16]' -niter 1", "input 'input_ids' is static"},
      {m + "-shape '[1,16]' -i words:x.npy -niter 1", "-i 'words:x.npy': the model has no input 'words'"},
      {m + "-shape '[1,16]' -i x.npy -niter 1", "name the input"},
      {m + "-shape '[1,16]' -i input_ids:x.png -niter 1", "only .npy and raw .bin"},
      {m + "-shape '[1,16]' --compare " + gpu.string(), "--compare"},
      {m + "-shape '[1,16]' --plot x.svg -niter 1", "--plot draws the rounds of --compare"},
      {"bench -shape '[1,16]'", "-m is required"},
  };
  for (const auto& [args, message] : cases) {
    CliResult r = run_cli(args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_GT(r.status, 0) << args << ": exited abnormally\n" << r.output();
    EXPECT_TRUE(has(r.err, "sparrow: error: ")) << args << "\n" << r.output();
    EXPECT_TRUE(has(r.err, message)) << args << "\nwanted: " << message << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << ": one line\n" << r.err;
  }
}

}  // namespace
}  // namespace sparrow::testing
