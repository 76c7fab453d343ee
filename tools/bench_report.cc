// sparrow bench: benchmark_app's printed figures, per-layer counters and statistics reports (CSV with ';'
// after every field, or JSON with -json_stats).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

#include "bench.h"

namespace sparrow::tools::bench {
namespace {

const char* status_name(ProfilingInfo::Status s) {
  switch (s) {
    case ProfilingInfo::Status::NOT_RUN:
      return "NOT_RUN";
    case ProfilingInfo::Status::OPTIMIZED_OUT:
      return "OPTIMIZED_OUT";
    case ProfilingInfo::Status::EXECUTED:
      return "EXECUTED";
  }
  return "INVALID_STATUS";
}

double to_ms(std::chrono::microseconds us) {
  return static_cast<double>(us.count()) / 1000.0;
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

// One printPerformanceCounts row: names of 20 characters or more are cut to 15 and "...".
std::string counter_row(const ProfilingInfo& p) {
  const size_t max_len = 20;
  std::string name = p.node_name.size() >= max_len ? p.node_name.substr(0, max_len - 5) + "..." : p.node_name;
  std::string type = p.node_type.size() >= max_len ? p.node_type.substr(0, max_len - 3) + "..." : p.node_type;
  return pad(name, max_len) + " " + pad(std::string(status_name(p.status)) + " ", 21) +
         "layerType: " + pad(type, max_len) + " " + pad("execType: " + p.exec_type, 30) +
         " realTime (ms): " + pad(fixed(to_ms(p.real_time), 3), 10) +
         " cpuTime (ms): " + pad(fixed(to_ms(p.cpu_time), 3), 10) + " ";
}

// benchmark_app's average report: counters summed by node name over requests, divided by the request count.
std::vector<ProfilingInfo> average(const std::vector<std::vector<ProfilingInfo>>& per_request) {
  std::vector<ProfilingInfo> avg;
  for (const auto& counts : per_request)
    for (const ProfilingInfo& p : counts) {
      auto it = std::find_if(avg.begin(), avg.end(),
                             [&](const ProfilingInfo& a) { return a.node_name == p.node_name; });
      if (it == avg.end()) {
        avg.push_back(p);
      } else {
        it->real_time += p.real_time;
        it->cpu_time += p.cpu_time;
      }
    }
  const auto n = static_cast<int64_t>(per_request.size());
  for (ProfilingInfo& p : avg) {
    p.real_time /= n;
    p.cpu_time /= n;
  }
  return avg;
}

void csv_counters(std::ostream& out, const std::vector<ProfilingInfo>& counts) {
  std::chrono::microseconds total{0}, total_cpu{0};
  out << "layerName;execStatus;layerType;execType;realTime (ms);cpuTime (ms);\n";
  for (const ProfilingInfo& p : counts) {
    out << p.node_name << ';' << status_name(p.status) << ';' << p.node_type << ';' << p.exec_type << ';'
        << std::to_string(to_ms(p.real_time)) << ';' << std::to_string(to_ms(p.cpu_time)) << ";\n";
    total += p.real_time;
    total_cpu += p.cpu_time;
  }
  out << "Total;;;;" << fixed(to_ms(total), 3) << ';' << fixed(to_ms(total_cpu), 3) << ";\n\n";
}

nlohmann::json json_counters(const std::vector<ProfilingInfo>& counts) {
  std::chrono::microseconds total{0}, total_cpu{0};
  nlohmann::json j;
  j["nodes"] = nlohmann::json::array();
  for (const ProfilingInfo& p : counts) {
    j["nodes"].push_back({{"name", p.node_name},
                          {"status", status_name(p.status)},
                          {"node_type", p.node_type},
                          {"exec_type", p.exec_type},
                          {"real_time", to_ms(p.real_time)},
                          {"cpu_time", to_ms(p.cpu_time)}});
    total += p.real_time;
    total_cpu += p.cpu_time;
  }
  j["total_real_time"] = to_ms(total);
  j["total_cpu_time"] = to_ms(total_cpu);
  return j;
}

std::filesystem::path report_path(const std::filesystem::path& folder, const std::string& file) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  SPARROW_CHECK(!ec, "-report_folder ", folder.string(), ": cannot create it: ", ec.message());
  return folder / file;
}

std::ofstream open_report(const std::filesystem::path& path) {
  std::ofstream out(path);
  SPARROW_CHECK(out, path.string(), ": cannot write the report");
  return out;
}

}  // namespace

LatencyMetrics LatencyMetrics::from(std::vector<double> latencies, int64_t percentile) {
  SPARROW_CHECK(!latencies.empty(), "no inference completed, so there are no latencies to report");
  std::sort(latencies.begin(), latencies.end());
  LatencyMetrics m;
  m.percentile = percentile;
  m.min = latencies.front();
  m.max = latencies.back();
  m.avg = std::accumulate(latencies.begin(), latencies.end(), 0.0) / static_cast<double>(latencies.size());
  size_t at =
      static_cast<size_t>(static_cast<double>(latencies.size()) / 100.0 * static_cast<double>(percentile));
  m.median_or_percentile = latencies[std::min(at, latencies.size() - 1)];
  return m;
}

void print_latency(const LatencyMetrics& m) {
  std::string label =
      m.percentile == 50 ? "\tMedian:     " : "\t" + std::to_string(m.percentile) + " percentile:    ";
  info(label + ms2(m.median_or_percentile) + " ms");
  info("\tAverage:    " + ms2(m.avg) + " ms");
  info("\tMin:        " + ms2(m.min) + " ms");
  info("\tMax:        " + ms2(m.max) + " ms");
}

void print_performance_counts(const std::vector<ProfilingInfo>& counts, const std::vector<LayerInfo>& layers,
                              const std::string& device_name, const std::string& sort) {
  std::map<std::string, const LayerInfo*> packed;
  for (const LayerInfo& l : layers)
    if (!l.weight_format.empty()) packed[l.name] = &l;
  std::chrono::microseconds total{0}, total_cpu{0};
  for (const ProfilingInfo& p : counts) {
    if (p.real_time.count() > 0) total += p.real_time;
    if (p.cpu_time.count() > 0) total_cpu += p.cpu_time;
  }
  std::vector<ProfilingInfo> rows = counts;
  if (sort == "sort" || sort == "simple_sort")
    std::stable_sort(rows.begin(), rows.end(), [](const ProfilingInfo& a, const ProfilingInfo& b) {
      return a.real_time > b.real_time;
    });
  for (const ProfilingInfo& p : rows) {
    if (sort == "simple_sort" && p.status != ProfilingInfo::Status::EXECUTED) continue;
    std::string line = counter_row(p);
    if (!sort.empty()) {
      double share = total.count() ? 100.0 * static_cast<double>(p.real_time.count()) /
                                         static_cast<double>(total.count())
                                   : 0.0;
      std::string s = fixed(share, 2);
      line += pad("proportion: " + (s == "0.00" ? std::string("N/A") : s) + "%", 20);
    }
    if (auto it = packed.find(p.node_name); it != packed.end()) {
      const LayerInfo& l = *it->second;
      line += " weights: " + pad(l.weight_format, 8) + " zeros: " + fixed(100 * l.weight_zero_fraction, 1) +
              "% 0-groups: " + fixed(100 * l.weight_zero_groups, 1) + "%";
    }
    std::printf("%s\n", line.c_str());
  }
  std::printf("%s%s milliseconds\n", pad("Total time: ", 25).c_str(), fixed(to_ms(total), 3).c_str());
  if (sort.empty())
    std::printf("%s%s milliseconds\n", pad("Total CPU time: ", 25).c_str(),
                fixed(to_ms(total_cpu), 3).c_str());
  std::printf("\nFull device name: %s\n\n", device_name.c_str());
}

StatisticsReport::StatisticsReport(std::string report_type, std::filesystem::path folder, bool json)
    : report_type_(std::move(report_type)), folder_(folder.empty() ? "." : std::move(folder)), json_(json) {}

void StatisticsReport::add(Category c, const std::string& csv_name, const std::string& json_name, int64_t v) {
  values_.push_back({c, {csv_name, json_name, Value::Kind::integer, v, 0.0, {}}});
}
void StatisticsReport::add(Category c, const std::string& csv_name, const std::string& json_name, double v) {
  values_.push_back({c, {csv_name, json_name, Value::Kind::real, 0, v, {}}});
}
void StatisticsReport::add(Category c, const std::string& csv_name, const std::string& json_name,
                           const std::string& v) {
  values_.push_back({c, {csv_name, json_name, Value::Kind::text, 0, 0.0, v}});
}

bool StatisticsReport::wants_counters() const {
  return report_type_ == "average_counters" || report_type_ == "detailed_counters";
}

void StatisticsReport::dump() const {
  static const std::pair<Category, const char*> sections[] = {
      {Category::command_line, "Command line parameters"},
      {Category::runtime_config, "Configuration setup"},
      {Category::execution_results, "Execution results"}};
  static const char* json_sections[] = {"cmd_options", "configuration_setup", "execution_results"};
  std::filesystem::path path = report_path(folder_, json_ ? "benchmark_report.json" : "benchmark_report.csv");
  std::ofstream out = open_report(path);
  if (json_) {
    nlohmann::json j = nlohmann::json::object();
    for (size_t k = 0; k < 3; ++k) {
      nlohmann::json section = nlohmann::json::object();
      bool any = false;
      for (const auto& [c, v] : values_) {
        if (c != sections[k].first) continue;
        any = true;
        if (v.kind == Value::Kind::integer)
          section[v.json_name] = v.i;
        else if (v.kind == Value::Kind::real)
          section[v.json_name] = v.d;
        else
          section[v.json_name] = v.s;
      }
      if (any) j[json_sections[k]] = section;
    }
    out << j.dump(4) << "\n";
  } else {
    for (const auto& [category, title] : sections) {
      bool any =
          std::any_of(values_.begin(), values_.end(), [&](const auto& cv) { return cv.first == category; });
      if (!any) continue;
      out << title << ";\n";
      for (const auto& [c, v] : values_) {
        if (c != category) continue;
        std::string text = v.kind == Value::Kind::integer ? std::to_string(v.i)
                           : v.kind == Value::Kind::real  ? std::to_string(v.d)
                                                          : v.s;
        out << v.csv_name << ';' << text << ";\n";
      }
      out << "\n";
    }
  }
  SPARROW_CHECK(out.flush(), path.string(), ": cannot write the report");
  info("Statistics report is stored to " + path.string());
}

void StatisticsReport::dump_performance_counters(
    const std::vector<std::vector<ProfilingInfo>>& per_request) const {
  if (!wants_counters()) {
    info("Statistics collecting for performance counters was not requested. No reports are dumped.");
    return;
  }
  if (per_request.empty()) {
    info("Performance counters are empty. No reports are dumped.");
    return;
  }
  std::string file = "benchmark_" + report_type_ + "_report." + (json_ ? "json" : "csv");
  std::filesystem::path path = report_path(folder_, file);
  std::ofstream out = open_report(path);
  const bool detailed = report_type_ == "detailed_counters";
  if (json_) {
    nlohmann::json j;
    if (detailed) {
      j["report_type"] = "detailed";
      j["detailed_performance"] = nlohmann::json::array();
      for (const auto& counts : per_request) j["detailed_performance"].push_back(json_counters(counts));
    } else {
      j["report_type"] = "average";
      j["avg_performance"] = json_counters(average(per_request));
    }
    out << j.dump(4) << "\n";
  } else if (detailed) {
    for (const auto& counts : per_request) csv_counters(out, counts);
  } else {
    csv_counters(out, average(per_request));
  }
  SPARROW_CHECK(out.flush(), path.string(), ": cannot write the report");
  info("Performance counters report is stored to " + path.string());
}

}  // namespace sparrow::tools::bench
