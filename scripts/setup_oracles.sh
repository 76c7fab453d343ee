#!/usr/bin/env bash
# Installs the npm packages the tests use as oracles into build/oracles/node_modules (git-ignored). Idempotent:
# does nothing when the pinned versions are already there.
#   @huggingface/transformers (transformers.js, with @huggingface/tokenizers): Hugging Face's tokenizer logic
#   in JavaScript, the oracle of tests/tokenizer_oracle_test.cc (see docs/tokenizer.md).
# SPARROW_ORACLES_DIR overrides the folder (the tests read the same variable).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${SPARROW_ORACLES_DIR:-$root/build/oracles}
packages=(@huggingface/transformers@4.3.1 @huggingface/tokenizers@0.2.0)

installed() {  # name@version -> true when node_modules holds exactly that version
  local name=${1%@*} version=${1##*@} json
  json=$dir/node_modules/$name/package.json
  [[ -f $json ]] && [[ $(node -p "require(process.argv[1]).version" "$json" 2>/dev/null) == "$version" ]]
}

missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
((${#missing[@]})) || exit 0
command -v npm >/dev/null || { echo "setup_oracles: npm is missing (scripts/setup.sh --tests installs it)" >&2; exit 1; }
mkdir -p "$dir"
echo "setup_oracles: installing ${packages[*]} into $dir"
# --ignore-scripts: onnxruntime-node's install script would fetch GPU libraries; the tokenizer needs none.
npm install --ignore-scripts --no-audit --no-fund --loglevel=error --prefix "$dir" "${packages[@]}"
for p in "${packages[@]}"; do installed "$p" || { echo "setup_oracles: $p did not install" >&2; exit 1; }; done
