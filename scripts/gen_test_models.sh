#!/usr/bin/env bash
# Generates (or reuses from cache) every model the end-to-end tests compare against PyTorch.
#   scripts/gen_test_models.sh OUT_DIR
# Each model folder carries a stamp with the hash of the generator and its arguments; a folder whose stamp
# matches is reused, so repeated test runs cost nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: gen_test_models.sh OUT_DIR}
mkdir -p "$out"
python=/usr/bin/python3   # Debian's python3 with python3-torch; the python3 first on PATH may be another one

# name | generator arguments
variants=(
  "tiny-fp32-mvn-gelu|--preset tiny --precision fp32 --layernorm mvn --gelu gelu"
  "tiny-fp32-decomposed-erf|--preset tiny --precision fp32 --layernorm decomposed --gelu erf"
  "tiny-int8-compressed-mvn-gelu|--preset tiny --precision int8 --weights compressed --layernorm mvn --gelu gelu"
  "tiny-int8-fq-decomposed-erf|--preset tiny --precision int8 --weights fq --layernorm decomposed --gelu erf"
  "tiny-int8-compressed-static|--preset tiny --precision int8 --weights compressed --shapes static --static-shape 2,16"
  "tiny-int8-dense|--preset tiny --precision int8 --weights compressed --sparsity 0"
  "tiny-int8-mul-maskadd-f16emb|--preset tiny --precision int8 --weights fq --layernorm decomposed-mul --mask-broadcast add --f16-embeddings"
  "bertbase2-fp32|--preset bert-base --layers 2 --precision fp32"
  "bertbase2-int8-compressed|--preset bert-base --layers 2 --precision int8 --weights compressed"
  "bertbase2-int8-block4|--preset bert-base --layers 2 --precision int8 --weights compressed --sparsity-pattern block4"
  "bertbase2-int8-fq-decomposed-erf|--preset bert-base --layers 2 --precision int8 --weights fq --layernorm decomposed --gelu erf"
  "bertbase-int8-compressed-f16emb|--preset bert-base --precision int8 --weights compressed --f16-embeddings"
)

generator_hash=$(cat "$root"/scripts/gen_test_model.py $(find "$root/scripts/sparrow_testgen" -name '*.py' 2>/dev/null | sort) | sha256sum | cut -c1-16)
for v in "${variants[@]}"; do
  name=${v%%|*}
  args=${v#*|}
  stamp="$generator_hash $args"
  dir="$out/$name"
  if [[ -f $dir/.stamp && $(cat "$dir/.stamp") == "$stamp" ]]; then continue; fi
  echo "generating $name"
  # shellcheck disable=SC2086
  "$python" "$root/scripts/gen_test_model.py" $args --seed 1 --out "$dir"
  echo "$stamp" > "$dir/.stamp"
done
