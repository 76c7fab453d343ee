#include "support/golden.h"

#include <cstring>

#include "support/paths.h"

namespace sparrow::testing {

std::vector<float> run_tokens(CompiledModel& compiled, const TokenBatch& batch) {
  InferRequest request = compiled.create_infer_request();
  const std::map<std::string, const std::vector<int64_t>*> sources = {
      {"input_ids", &batch.input_ids}, {"attention_mask", &batch.attention_mask},
      {"token_type_ids", &batch.token_type_ids}};
  for (const Port& port : compiled.inputs()) {
    auto it = sources.find(port.name);
    if (it == sources.end()) throw Error("test model has an unexpected input '" + port.name + "'");
    Tensor t(port.element_type, {batch.batch, batch.seq});
    const std::vector<int64_t>& v = *it->second;
    if (port.element_type == ElementType::i64) {
      std::memcpy(t.data(), v.data(), v.size() * sizeof(int64_t));
    } else {
      for (size_t i = 0; i < v.size(); ++i) t.data<int32_t>()[i] = static_cast<int32_t>(v[i]);
    }
    request.set_tensor(port.name, t);
  }
  request.infer();
  Tensor out = request.get_output_tensor(0);
  return std::vector<float>(out.data<float>(), out.data<float>() + out.size());
}

std::filesystem::path generated_models_dir() { return build_dir() / "models"; }

}  // namespace sparrow::testing
