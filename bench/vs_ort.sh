#!/usr/bin/env bash
# sparrow against ONNX Runtime on BERT-base int8, batch 1, on this machine: alternating runs of sparrow
# dense (CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE 1), sparrow sparse (--sparse RATE, default 0.75) and ONNX
# Runtime, the median of each figure over the rounds, and the ratios. Sets up what is missing under build/:
# onnxruntime-node 1.30.0 (npm), the peer ONNX model (../shared/peers/gen_bert_onnx.py) and sparrow's
# default model (sparrow synth; --model build/default-model-block4 is generated with 4-block sparsity).
#   bench/vs_ort.sh [--seq 64] [--time 12] [--rounds 3] [--sparse 0.75|AUTO] [--model DIR]
# SPARROW_SPARSE_FORMAT=bitmask|groups in the environment forces the sparse format (docs/knobs.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seq=64 time=12 rounds=3 sparse=0.75 model=build/default-model
while (($#)); do
  case $1 in
    --seq) seq=$2; shift 2 ;;
    --time) time=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --sparse) sparse=$2; shift 2 ;;
    --model) model=$2; shift 2 ;;
    *) echo "usage: bench/vs_ort.sh [--seq N] [--time SEC] [--rounds N] [--sparse RATE|AUTO] [--model DIR]" >&2
       exit 2 ;;
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
if [[ ! -f $model/openvino_model.xml ]]; then
  case $model in
    build/default-model) $sparrow synth --preset bert-base -o $model ;;
    build/default-model-block4) $sparrow synth --preset bert-base --sparsity-pattern block4 -o $model ;;
    *) echo "$model: no openvino_model.xml" >&2; exit 1 ;;
  esac
fi
configs=build/peers/configs
mkdir -p $configs
echo '{"CPU": {"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE": "1"}}' > $configs/dense.json
echo "{\"CPU\": {\"CPU_SPARSE_WEIGHTS_DECOMPRESSION_RATE\": \"$sparse\"}}" > $configs/sparse.json

ort() { NODE_PATH=build/peers/node_modules node $peers/ort_bench.js --model $onnx --seq "$seq" --time "$time" "$@" 2>&1 |
          sed -n 's/^JSON //p'; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
fps() { $sparrow bench -m $model -shape "[1,$seq]" -hint throughput -t "$time" -load_config "$1" 2>/dev/null |
         sed -n 's/.*Throughput: *\([0-9.]*\).*/\1/p'; }
lat() { $sparrow bench -m $model -shape "[1,$seq]" -hint latency -t "$time" -load_config "$1" 2>/dev/null |
         sed -n 's/.*Median: *\([0-9.]*\).*/\1/p'; }
ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
$sparrow bench -m $model -shape "[1,$seq]" -t 1 -load_config $configs/sparse.json 2>/dev/null | grep "Sparse weights" || true
declare -a d_fps s_fps o_fps d_lat s_lat o_lat
for ((r = 1; r <= rounds; r++)); do
  d_fps+=("$(fps $configs/dense.json)")
  s_fps+=("$(fps $configs/sparse.json)")
  o_fps+=("$(ort --streams 2 --threads 1 | sed 's/.*"throughput":\([0-9.]*\).*/\1/')")
  d_lat+=("$(lat $configs/dense.json)")
  s_lat+=("$(lat $configs/sparse.json)")
  o_lat+=("$(ort --streams 1 --threads 2 | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')")
  echo "round $r: sparrow dense ${d_fps[-1]} FPS ${d_lat[-1]} ms; sparse ${s_fps[-1]} FPS ${s_lat[-1]} ms;" \
       "onnxruntime ${o_fps[-1]} FPS ${o_lat[-1]} ms"
done
df=$(printf '%s\n' "${d_fps[@]}" | median); sf=$(printf '%s\n' "${s_fps[@]}" | median)
of=$(printf '%s\n' "${o_fps[@]}" | median)
dl=$(printf '%s\n' "${d_lat[@]}" | median); sl=$(printf '%s\n' "${s_lat[@]}" | median)
ol=$(printf '%s\n' "${o_lat[@]}" | median)
echo "$model, seq $seq, sparse rate $sparse${SPARROW_SPARSE_FORMAT:+ (format $SPARROW_SPARSE_FORMAT)}, medians of $rounds rounds:"
echo "  throughput (2 streams x 1 thread): sparrow dense $df FPS, sparse $sf FPS, onnxruntime $of FPS;" \
     "sparse/ORT $(ratio $sf $of), sparse/dense $(ratio $sf $df), dense/ORT $(ratio $df $of)"
echo "  latency (1 stream x 2 threads):    sparrow dense $dl ms, sparse $sl ms, onnxruntime $ol ms;" \
     "sparse/ORT $(ratio $sl $ol), sparse/dense $(ratio $sl $dl), dense/ORT $(ratio $dl $ol)"
