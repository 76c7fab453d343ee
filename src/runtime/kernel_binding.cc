#include "runtime/kernel_binding.h"

#include "base/thread_pool.h"
#include "kernels/qgemm/qgemm.h"
#include "sparrow/error.h"

namespace sparrow::runtime {
namespace {

// QuantizedMatMul (src/graph/ops/quantized_ops.cc) on a qgemm kernel: weights packed at bind time, columns
// shared out among the stream's threads in whole panels.
class QgemmBinding final : public BoundKernel {
 public:
  QgemmBinding(const kernels::QgemmKernel& kernel, const graph::Node& node)
      : kernel_(kernel), alpha_(node.input_value(2)), beta_(node.input_value(3)) {
    const Tensor& wei = node.input_value(1);
    kernel.pack(wei.data<int8_t>(), static_cast<size_t>(wei.shape()[0]), static_cast<size_t>(wei.shape()[1]),
                weights_);
  }

  std::vector<Tensor> run(std::span<const Tensor> in) const override {
    const Tensor& src = in[0];
    const size_t N = weights_.N, K = weights_.K;
    SPARROW_CHECK(!src.shape().empty() && static_cast<size_t>(src.shape().back()) == K, "input 0: shape ",
                  to_string(src.shape()), " does not end in K = ", K);
    Shape out_shape = src.shape();
    out_shape.back() = static_cast<int64_t>(N);
    Tensor out(ElementType::f32, out_shape);
    const size_t M = src.size() / K;
    if (M == 0) return {out};
    const kernels::QgemmEpilogue ep{alpha_.data<float>(), beta_.data<float>()};
    const size_t nb = kernel_.n_block, panels = (N + nb - 1) / nb;
    base::parallel_for(panels, [&](size_t p0, size_t p1) {
      kernel_.run_f32(M, p0 * nb, std::min(N, p1 * nb), src.data<uint8_t>(), K, weights_, ep, out.data<float>(),
                      N);
    });
    return {out};
  }

 private:
  const kernels::QgemmKernel& kernel_;
  kernels::QgemmWeights weights_;
  Tensor alpha_, beta_;  // shared with the graph's constants
};

}  // namespace

KernelBindings bind_kernels(graph::Graph& graph, base::Isa max_isa) {
  KernelBindings out;
  const kernels::QgemmKernel& qgemm = kernels::select_qgemm(max_isa);
  for (const auto& node : graph.nodes()) {
    if (node->type != "QuantizedMatMul") continue;
    bool constant_operands = true;
    for (size_t i = 1; i < 4; ++i) constant_operands = constant_operands && node->input_is_constant(i);
    if (!constant_operands) continue;
    out[node.get()] = std::make_shared<QgemmBinding>(qgemm, *node);
    node->exec_type = qgemm.name;
  }
  return out;
}

}  // namespace sparrow::runtime
