#include "kernels/dispatch.h"

namespace sparrow::kernels {

std::string isa_reject_reason(base::Isa needs, base::Isa max_isa) {
  const base::Isa cpu = base::detected_isa();
  if (needs > cpu) return detail::concat("needs ", to_string(needs), ", this CPU has ", to_string(cpu));
  if (needs > max_isa)
    return detail::concat("needs ", to_string(needs), ", above the cap ", to_string(max_isa));
  return "";
}

}  // namespace sparrow::kernels
