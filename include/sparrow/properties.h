// Typed property keys with OpenVINO's names and value types, so code written for ov:: reads the same:
//   core.compile_model(model, "CPU", sparrow::num_streams(4), sparrow::inference_num_threads(4),
//                      sparrow::intel_cpu::sparse_weights_decompression_rate(0.75f));
//   int64_t n = compiled.get_property(sparrow::optimal_number_of_infer_requests);
// The plain string keys ("NUM_STREAMS", ...) work everywhere too. docs/runtime.md gives their semantics.
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "sparrow/any.h"
#include "sparrow/error.h"

namespace sparrow {

template <typename T>
class Property {
 public:
  constexpr explicit Property(const char* name) : name_(name) {}
  const char* name() const { return name_; }
  operator std::string() const { return name_; }
  // A key/value pair for compile_model and set_property.
  std::pair<const std::string, Any> operator()(T value) const { return {name_, to_any(value)}; }
  T from_any(const Any& value) const;

 private:
  static Any to_any(T value);
  const char* name_;
};

// A read-only property: no setter.
template <typename T>
class ReadOnlyProperty {
 public:
  constexpr explicit ReadOnlyProperty(const char* name) : name_(name) {}
  const char* name() const { return name_; }
  operator std::string() const { return name_; }
  T from_any(const Any& value) const { return Property<T>(name_).from_any(value); }

 private:
  const char* name_;
};

namespace hint {
enum class PerformanceMode { LATENCY, THROUGHPUT, CUMULATIVE_THROUGHPUT };
inline constexpr Property<PerformanceMode> performance_mode{"PERFORMANCE_HINT"};
inline constexpr Property<bool> enable_cpu_pinning{"ENABLE_CPU_PINNING"};
}  // namespace hint

namespace streams {
inline constexpr int32_t AUTO = -1;  // num_streams(streams::AUTO): the THROUGHPUT number of streams
}  // namespace streams

inline constexpr Property<int32_t> num_streams{"NUM_STREAMS"};
inline constexpr Property<int32_t> inference_num_threads{"INFERENCE_NUM_THREADS"};
inline constexpr Property<bool> enable_profiling{"PERF_COUNT"};
inline constexpr ReadOnlyProperty<uint32_t> optimal_number_of_infer_requests{"OPTIMAL_NUMBER_OF_INFER_REQUESTS"};

namespace intel_cpu {
inline constexpr Property<float> sparse_weights_decompression_rate{"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE"};
}  // namespace intel_cpu

template <typename T>
Any Property<T>::to_any(T value) {
  if constexpr (std::is_same_v<T, hint::PerformanceMode>) {
    switch (value) {
      case hint::PerformanceMode::LATENCY: return "LATENCY";
      case hint::PerformanceMode::THROUGHPUT: return "THROUGHPUT";
      case hint::PerformanceMode::CUMULATIVE_THROUGHPUT: return "CUMULATIVE_THROUGHPUT";
    }
    return "";
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return value == streams::AUTO ? Any("AUTO") : Any(value);
  } else {
    return Any(value);
  }
}

template <typename T>
T Property<T>::from_any(const Any& value) const {
  if constexpr (std::is_same_v<T, hint::PerformanceMode>) {
    std::string v = value.as_string();
    if (v == "LATENCY") return hint::PerformanceMode::LATENCY;
    if (v == "THROUGHPUT") return hint::PerformanceMode::THROUGHPUT;
    if (v == "CUMULATIVE_THROUGHPUT") return hint::PerformanceMode::CUMULATIVE_THROUGHPUT;
    fail("property ", name_, ": '", v, "' is not a PerformanceMode");
  } else if constexpr (std::is_same_v<T, bool>) {
    return value.as_bool();
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(value.as_double());
  } else {
    return static_cast<T>(value.as_int());
  }
}

}  // namespace sparrow
