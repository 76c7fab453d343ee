// What the process may run on: the CPUs in its affinity mask, how many physical cores they span, the CPU's
// name. Detected once; used for the PERFORMANCE_HINT defaults and for pinning stream threads.
#pragma once

#include <string>
#include <vector>

namespace sparrow::base {

struct CpuInfo {
  std::vector<int> allowed_cpus;  // logical CPU ids from sched_getaffinity, ascending
  int physical_cores = 1;         // distinct (package, core) pairs among allowed_cpus
  std::string model_name;         // /proc/cpuinfo "model name", or "unknown CPU"
};

const CpuInfo& cpu_info();

// Pins the calling thread to one logical CPU. Returns false (and changes nothing) if the OS refuses.
bool pin_current_thread(int cpu);

}  // namespace sparrow::base
