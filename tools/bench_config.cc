// sparrow bench: device properties from -load_config and the command line; -dump_config.
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench.h"

namespace sparrow::tools::bench {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string hint_property(const std::string& hint) {
  if (hint == "throughput" || hint == "tput") return "THROUGHPUT";
  if (hint == "cumulative_throughput" || hint == "ctput") return "CUMULATIVE_THROUGHPUT";
  return upper(hint);
}

}  // namespace

AnyMap load_config(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path);
  SPARROW_CHECK(in, file, ": cannot open the -load_config file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail(file, ": not valid JSON: ", e.what());
  }
  SPARROW_CHECK(j.is_object(), file, ": expected an object of devices, {\"CPU\": {\"NUM_STREAMS\": 4}}");
  AnyMap config;
  for (const auto& [device, props] : j.items()) {
    SPARROW_CHECK(device == "CPU", file, ": a configuration for device '", device,
                  "', but sparrow runs on CPU only (use {\"CPU\": {...}})");
    SPARROW_CHECK(props.is_object(), file, ": \"CPU\" must map property names to values");
    for (const auto& [key, value] : props.items()) {
      if (value.is_string())
        config[key] = value.get<std::string>();
      else if (value.is_boolean())
        config[key] = value.get<bool>();
      else if (value.is_number_integer())
        config[key] = value.get<int64_t>();
      else if (value.is_number())
        config[key] = value.get<double>();
      else
        fail(file, ": property ", key, ": expected a string, number or boolean, found ", value.dump());
    }
  }
  Core scratch;
  try {
    scratch.set_property("CPU", config);
  } catch (const Error& e) {
    fail(file, ": ", e.what());
  }
  return config;
}

AnyMap device_config(const Options& opt, AnyMap config, bool& perf_counts) {
  if (!opt.hint.empty()) {
    config["PERFORMANCE_HINT"] = hint_property(opt.hint);
  } else if (!config.count("PERFORMANCE_HINT") && opt.nstreams.empty() && opt.nthreads == 0) {
    std::string hint = opt.api == "sync" ? "LATENCY" : "THROUGHPUT";
    warn(
        "Performance hint was not explicitly specified in command line. Device(CPU) performance hint will be "
        "set "
        "to " +
        hint + ".");
    config["PERFORMANCE_HINT"] = hint;
  }

  if (opt.pc) {
    config["PERF_COUNT"] = *opt.pc;
  } else if (config.count("PERF_COUNT") && config.at("PERF_COUNT").as_bool()) {
    warn("Performance counters for CPU device is turned on. To print results use -pc option.");
  } else if (opt.report_type == "average_counters" || opt.report_type == "detailed_counters") {
    warn("Turn on performance counters for CPU device since report type is " + opt.report_type + ".");
    config["PERF_COUNT"] = true;
  } else if (!opt.pcsort.empty()) {
    warn("Turn on sorted performance counters for CPU device since pcsort value is " + opt.pcsort + ".");
    config["PERF_COUNT"] = true;
  } else {
    config["PERF_COUNT"] = false;
  }
  perf_counts = config.at("PERF_COUNT").as_bool();

  if (opt.nthreads > 0) config["INFERENCE_NUM_THREADS"] = opt.nthreads;
  if (!opt.pin.empty()) config["ENABLE_CPU_PINNING"] = opt.pin;
  if (!opt.nstreams.empty()) config["NUM_STREAMS"] = opt.nstreams;
  return config;
}

void dump_config(const std::filesystem::path& path, const CompiledModel& compiled) {
  nlohmann::json cpu = nlohmann::json::object();
  Core scratch;
  for (const std::string& key : compiled.supported_properties()) {
    Any value = compiled.get_property(key);
    try {
      scratch.set_property("CPU", {{key, value}});
    } catch (const Error&) {
      continue;  // read-only: a config file could not set it
    }
    cpu[key] = value.as_string();
  }
  std::ofstream out(path);
  SPARROW_CHECK(out, path.string(), ": cannot write the -dump_config file");
  out << nlohmann::json{{"CPU", cpu}}.dump(4) << "\n";
  SPARROW_CHECK(out, path.string(), ": cannot write the -dump_config file");
}

}  // namespace sparrow::tools::bench
