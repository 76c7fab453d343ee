#!/usr/bin/env bash
# sparrow against ONNX Runtime on BERT-base int8, batch 1, on this machine: alternating runs of both, the
# median of each figure over the rounds, and the ratios. Sets up what is missing under build/:
# onnxruntime-node 1.30.0 (npm), the peer ONNX model (../shared/peers/gen_bert_onnx.py) and sparrow's
# default model (sparrow synth).
#   bench/vs_ort.sh [--seq 64] [--time 12] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
seq=64 time=12 rounds=3
while (($#)); do
  case $1 in
    --seq) seq=$2; shift 2 ;;
    --time) time=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/vs_ort.sh [--seq N] [--time SEC] [--rounds N]" >&2; exit 2 ;;
  esac
done
sparrow=build/release/sparrow
[[ -x $sparrow ]] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
peers=../shared/peers
[[ -d $peers ]] || { echo "needs ../shared/peers (the ONNX Runtime timing scripts)" >&2; exit 1; }
mkdir -p build/peers
[[ -d build/peers/node_modules/onnxruntime-node ]] ||
  (cd build/peers && npm install --ignore-scripts onnxruntime-node@1.30.0 >/dev/null)
onnx=build/peers/models/bert/int8dyn_dense.onnx
[[ -f $onnx ]] || /usr/bin/python3 $peers/gen_bert_onnx.py --out build/peers/models/bert
model=build/default-model
[[ -f $model/openvino_model.xml ]] || $sparrow synth --preset bert-base -o $model

ort() { NODE_PATH=build/peers/node_modules node $peers/ort_bench.js --model $onnx --seq "$seq" --time "$time" "$@" 2>&1 |
          sed -n 's/^JSON //p'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
declare -a s_fps o_fps s_lat o_lat
for ((r = 1; r <= rounds; r++)); do
  s_fps+=("$($sparrow bench -m $model -shape "[1,$seq]" -hint throughput -t "$time" 2>/dev/null |
             sed -n 's/.*Throughput: *\([0-9.]*\).*/\1/p')")
  o_fps+=("$(ort --streams 2 --threads 1 | sed 's/.*"throughput":\([0-9.]*\).*/\1/')")
  s_lat+=("$($sparrow bench -m $model -shape "[1,$seq]" -hint latency -t "$time" 2>/dev/null |
             sed -n 's/.*Median: *\([0-9.]*\).*/\1/p')")
  o_lat+=("$(ort --streams 1 --threads 2 | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')")
  echo "round $r: sparrow ${s_fps[-1]} FPS, ${s_lat[-1]} ms; onnxruntime ${o_fps[-1]} FPS, ${o_lat[-1]} ms"
done
sf=$(printf '%s\n' "${s_fps[@]}" | median); of=$(printf '%s\n' "${o_fps[@]}" | median)
sl=$(printf '%s\n' "${s_lat[@]}" | median); ol=$(printf '%s\n' "${o_lat[@]}" | median)
echo "seq $seq, medians of $rounds rounds:"
echo "  throughput (2 streams x 1 thread): sparrow $sf FPS, onnxruntime $of FPS, ratio $(awk "BEGIN {printf \"%.2f\", $sf / $of}")"
echo "  latency (1 stream x 2 threads):    sparrow $sl ms, onnxruntime $ol ms, ratio $(awk "BEGIN {printf \"%.2f\", $sl / $ol}")"
