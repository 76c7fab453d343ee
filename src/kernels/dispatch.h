// Dispatch shared by the kernel families: each lists its kernels in preference order (kernels.inc, the
// reference last), and the first one that this CPU supports and SPARROW_MAX_ISA allows runs. With
// SPARROW_VERBOSE=dispatch, every rejected kernel is printed with its reason, then the choice.
#pragma once

#include <cstdio>
#include <span>
#include <string>
#include <string_view>

#include "base/isa.h"
#include "base/verbose.h"
#include "sparrow/error.h"

namespace sparrow::kernels {

// Why code that needs `needs` may not run under `max_isa` on this CPU ("needs avx512vnni, above the cap
// avx2"), or "" when it may.
std::string isa_reject_reason(base::Isa needs, base::Isa max_isa);

// The kernel of that name in `kernels`, or nullptr.
template <class Kernel>
const Kernel* find_kernel(std::span<const Kernel> kernels, std::string_view name) {
  for (const Kernel& k : kernels)
    if (name == k.name) return &k;
  return nullptr;
}

// The first of `kernels` allowed under max_isa; `family` names them in messages ("qgemm").
template <class Kernel>
const Kernel& select_kernel(std::span<const Kernel> kernels, base::Isa max_isa, const char* family) {
  const bool verbose = base::verbose_enabled("dispatch");
  for (const Kernel& k : kernels) {
    const std::string reason = isa_reject_reason(k.isa, max_isa);
    if (reason.empty()) {
      if (verbose)
        std::fprintf(stderr, "sparrow dispatch: %s: chose %s (max isa %s)\n", family, k.name,
                     to_string(max_isa));
      return k;
    }
    if (verbose) std::fprintf(stderr, "sparrow dispatch: %s: skip %s: %s\n", family, k.name, reason.c_str());
  }
  fail(family, ": no kernel runs at ISA level ", to_string(max_isa),
       " (kernels.inc must end with the reference)");
}

}  // namespace sparrow::kernels
