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
$sparrow info -m "$model"
# [CLS] he ' s a dreadful magician . [SEP]
$sparrow run -m "$model" -i 'input_ids=[[101,2002,1005,1055,1037,21794,16669,1012,102]]' \
  -i 'attention_mask=[[1,1,1,1,1,1,1,1,1]]' -i 'token_type_ids=[[0,0,0,0,0,0,0,0,0]]'
