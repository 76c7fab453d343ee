#include "frontends/synth/calibrate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/cpu_info.h"
#include "base/thread_pool.h"
#include "frontends/synth/prng.h"
#include "runtime/compiler.h"
#include "sparrow/error.h"

namespace sparrow::synth {
namespace {

constexpr int64_t kCls = 101, kSep = 102;
// bert-base-uncased: ids below 1996 are [unused], special tokens and single characters; above 29611 are
// "##" suffix pieces of single characters.
constexpr int64_t kFirstWord = 1996, kLastWord = 29611;

struct Batch {
  Tensor ids, mask, types;
};

Batch random_batch(SplitMix64& rng, int64_t batch, int64_t seq, bool pair, const BertConfig& c) {
  Batch b{Tensor(ElementType::i64, {batch, seq}), Tensor(ElementType::i64, {batch, seq}),
          Tensor(ElementType::i64, {batch, seq})};
  int64_t first = std::min(kFirstWord, c.vocab - 1), last = std::min(kLastWord, c.vocab - 1);
  for (int64_t r = 0; r < batch; ++r) {
    int64_t* ids = b.ids.data<int64_t>() + r * seq;
    int64_t* mask = b.mask.data<int64_t>() + r * seq;
    int64_t* types = b.types.data<int64_t>() + r * seq;
    int64_t middle = pair ? seq / 2 : seq;
    for (int64_t s = 0; s < seq; ++s) {
      ids[s] = first + static_cast<int64_t>(rng.below(static_cast<uint64_t>(last - first + 1)));
      mask[s] = 1;
      types[s] = s >= middle ? std::min<int64_t>(1, c.type_vocab - 1) : 0;
    }
    ids[0] = kCls;
    ids[seq - 1] = kSep;
    if (pair && middle > 1 && middle < seq - 1) ids[middle - 1] = kSep;
  }
  return b;
}

}  // namespace

ActivationRange tune_range(double low, double high) {
  low = std::min(low, 0.0);
  high = std::max(high, 0.0);
  if (high - low < 1e-6) {  // a constant-zero activation: any range containing 0 symmetrically-ish will do
    low = std::min(low, -1e-3);
    high = std::max(high, 1e-3);
  }
  const double levels = 255.0;
  double q = std::nearbyint(-low * levels / (high - low));
  double new_low = low, new_high = high;
  if (q <= 0) {
    new_low = 0;
  } else if (q >= levels) {
    new_high = 0;
  } else {
    // Either move low (keeping high) or move high (keeping low) so that the zero point is exactly q; NNCF
    // takes the wider of the two, which never narrows the range.
    double a_low = q / (q - levels) * high;
    double b_high = (q - levels) / q * low;
    if (high - a_low > b_high - low)
      new_low = a_low;
    else
      new_high = b_high;
  }
  return {static_cast<float>(new_low), static_cast<float>(new_high)};
}

Calibration calibrate(const BertConfig& config, const BertWeights& weights, uint64_t seed,
                      const CalibrationPlan& plan) {
  GraphSpec spec;
  spec.name = "calibration";
  spec.config = config;
  spec.weights = &weights;
  spec.probe_quantizer_inputs = true;
  BertGraph g = build_bert_graph(spec);
  std::unique_ptr<runtime::CompiledGraph> compiled = runtime::compile(*g.graph, runtime::Config{});
  // Every core helps (MatMul rows are shared out); the results do not depend on the thread count.
  base::ThreadPool pool(base::cpu_info().physical_cores);
  base::ThreadPool::Scope use_pool(&pool);

  int64_t seq = std::min(plan.seq, config.max_positions);
  SPARROW_CHECK(seq >= 3, "synth: calibration needs sequences of at least 3 tokens");
  std::vector<double> lo(g.probes.size(), std::numeric_limits<double>::infinity());
  std::vector<double> hi(g.probes.size(), -std::numeric_limits<double>::infinity());
  std::vector<double> logit_sum(static_cast<size_t>(config.labels), 0.0);
  int64_t rows = 0;
  SplitMix64 rng(stream_seed(seed, "calibration"));
  for (int i = 0; i < plan.batches; ++i) {
    Batch b = random_batch(rng, plan.batch, seq, i % 2 == 1, config);
    std::vector<Tensor> inputs{b.ids, b.mask, b.types};
    std::vector<Tensor> out = compiled->executor->run(inputs);
    SPARROW_CHECK(out.size() == g.probes.size() + 1, "synth: calibration graph returned ", out.size(),
                  " outputs, expected ", g.probes.size() + 1);
    const Tensor& logits = out[0];
    SPARROW_CHECK(
        logits.element_type() == ElementType::f32 && logits.size() == size_t(plan.batch * config.labels),
        "synth: calibration logits have shape ", to_string(logits.shape()));
    for (size_t k = 0; k < logits.size(); ++k) logit_sum[k % config.labels] += logits.data<float>()[k];
    rows += plan.batch;
    for (size_t p = 0; p < g.probes.size(); ++p) {
      const Tensor& t = out[p + 1];
      SPARROW_CHECK(t.element_type() == ElementType::f32, "synth: ", g.probes[p], " is not f32");
      const float* v = t.data<float>();
      for (size_t k = 0; k < t.size(); ++k) {
        SPARROW_CHECK(std::isfinite(v[k]), "synth: calibration found a non-finite activation at ",
                      g.probes[p]);
        lo[p] = std::min(lo[p], static_cast<double>(v[k]));
        hi[p] = std::max(hi[p], static_cast<double>(v[k]));
      }
    }
  }
  // Rounded outward to a grid of 2^-8 before tuning: kernels with another summation order (another ISA,
  // another platform) move a min or max by ~1e-6, and the grid keeps such noise out of the written ranges.
  Calibration result;
  for (size_t p = 0; p < g.probes.size(); ++p)
    result.ranges[g.probes[p]] =
        tune_range(std::floor(lo[p] * 256.0) / 256.0, std::ceil(hi[p] * 256.0) / 256.0);
  for (double sum : logit_sum) result.mean_logits.push_back(rows ? sum / static_cast<double>(rows) : 0.0);
  return result;
}

}  // namespace sparrow::synth
