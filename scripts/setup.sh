#!/usr/bin/env bash
# Installs what sparrow needs on Debian 12, only what is missing. Idempotent; run as root (or with sudo).
#   scripts/setup.sh          build dependencies
#   scripts/setup.sh --tests  also what the test suite needs (Debian's PyTorch for the oracle models)
set -euo pipefail

packages=(g++ cmake ninja-build pkg-config libpugixml-dev nlohmann-json3-dev libcli11-dev libcurl4-openssl-dev
  libutf8proc-dev)
if [[ ${1:-} == --tests ]]; then
  packages+=(libgtest-dev libgmock-dev libbenchmark-dev python3 python3-torch python3-numpy nodejs)
fi

sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# nodesource's nodejs bundles npm; Debian's splits it out.
if [[ ${1:-} == --tests ]] && ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm
fi

# Oracles from the npm registry (the Hugging Face tokenizer), for the tests only.
if [[ ${1:-} == --tests ]]; then
  "$(dirname "$0")/setup_oracles.sh"
fi
