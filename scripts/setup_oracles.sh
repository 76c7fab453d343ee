#!/usr/bin/env bash
# Installs the npm packages the tests use as oracles into build/node_modules (git-ignored). Idempotent.
set -euo pipefail
