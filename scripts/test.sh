#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the release preset and runs the whole suite.
# Generated test models are cached under build/models (keyed by the generator's hash).
#   scripts/test.sh [--preset release|asan|tsan|dev] [extra ctest args]
set -euo pipefail
cd "$(dirname "$0")/.."

preset=release
if [[ ${1:-} == --preset ]]; then preset=$2; shift 2; fi

scripts/setup.sh --tests
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)" "$@"
