#!/usr/bin/env bash
# The README's main job: install what is missing, build, generate the built-in default model (BERT-base shape,
# seeded weights, int8, 80% sparse, real bert-base-uncased vocabulary) and run it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target sparrow_cli
sparrow=build/release/sparrow
model=build/default-model
[[ -f $model/openvino_model.xml ]] || $sparrow synth --preset bert-base -o "$model"
$sparrow info -m "$model" --sparse-rate AUTO   # the weight format each layer gets, as classify picks it
$sparrow tokenize -m "$model" "He's a dreadful magician."
# The default model has seeded random weights: the label is arbitrary, the pipeline is the real one.
$sparrow classify -m "$model" --top-k all "He's a dreadful magician."
