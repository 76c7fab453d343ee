#!/usr/bin/env bash
# The seed's benchmark (the OpenVINO sparse-weights tutorial's two benchmark_app runs) on sparrow's default
# model: shape [1,64] for its three inputs, bench/seed/dense.json (4 streams x 4 threads) against
# bench/seed/sparse.json (the same plus CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE 0.75), in alternating rounds,
# then one sparse run with per-layer counters showing which layers ran sparse.
#   bench/seed.sh [--model DIR] [--time SEC] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
model=build/default-model time=60 rounds=5
while (($#)); do
  case $1 in
    --model) model=$2; shift 2 ;;
    --time) time=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/seed.sh [--model DIR] [--time SEC] [--rounds N]" >&2; exit 2 ;;
  esac
done
sparrow=build/release/sparrow
[[ -x $sparrow ]] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
[[ -f $model/openvino_model.xml ]] || $sparrow synth --preset bert-base -o "$model"
shape="input_ids[1,64],attention_mask[1,64],token_type_ids[1,64]"
$sparrow bench -m "$model" -shape "$shape" --compare bench/seed/dense.json bench/seed/sparse.json \
  --rounds "$rounds" -t "$time" | sed -n '/Comparison over/,$p'
$sparrow bench -m "$model" -shape "$shape" -load_config bench/seed/sparse.json -t 5 -pc |
  grep -E "Sparse weights|QuantizedMatMul" | head -8
