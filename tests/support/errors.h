// The message of the sparrow::Error that `f` throws, or "(no error)": for tests that check exact messages.
#pragma once

#include <string>

#include "sparrow/error.h"

namespace sparrow::testing {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace sparrow::testing
