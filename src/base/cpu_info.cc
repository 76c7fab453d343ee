#include "base/cpu_info.h"

#include <pthread.h>
#include <sched.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace sparrow::base {
namespace {

int read_int_file(const std::string& path, int fallback) {
  std::ifstream f(path);
  int v = fallback;
  if (!(f >> v)) return fallback;
  return v;
}

CpuInfo detect() {
  CpuInfo info;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set)) info.allowed_cpus.push_back(cpu);
  }
  if (info.allowed_cpus.empty()) {
    unsigned n = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < n; ++i) info.allowed_cpus.push_back(static_cast<int>(i));
  }
  // SMT siblings share (package, core); a missing topology file counts each CPU as its own core.
  std::set<std::pair<int, int>> cores;
  for (int cpu : info.allowed_cpus) {
    std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    cores.insert({read_int_file(dir + "physical_package_id", 0), read_int_file(dir + "core_id", -1 - cpu)});
  }
  info.physical_cores = static_cast<int>(cores.size());

  info.model_name = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    auto colon = line.find(':');
    if (colon != std::string::npos) info.model_name = line.substr(line.find_first_not_of(" \t", colon + 1));
    break;
  }
  return info;
}

}  // namespace

const CpuInfo& cpu_info() {
  static const CpuInfo info = detect();
  return info;
}

bool pin_current_thread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

}  // namespace sparrow::base
