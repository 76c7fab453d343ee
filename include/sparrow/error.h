// sparrow's one exception type. Every error the library reports carries context: which file, node,
// offset or property, and what was expected versus found.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace sparrow {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

namespace detail {
template <typename... Args>
std::string concat(Args&&... args) {
  std::ostringstream out;
  (out << ... << std::forward<Args>(args));
  return out.str();
}
}  // namespace detail

// Throws sparrow::Error with the arguments streamed into one message.
template <typename... Args>
[[noreturn]] void fail(Args&&... args) {
  throw Error(detail::concat(std::forward<Args>(args)...));
}

}  // namespace sparrow

// Checks a condition that input data (files, user values) must satisfy; throws sparrow::Error.
#define SPARROW_CHECK(cond, ...)            \
  do {                                      \
    if (!(cond)) ::sparrow::fail(__VA_ARGS__); \
  } while (0)
