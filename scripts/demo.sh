#!/usr/bin/env bash
# Quick start 1: install backend-expert in .venv and generate the sample project into ./orders-api
# (no questions asked: the answers come from tests/samples/orders-api.yml).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
make_venv ""
dest="${1:-orders-api}"
.venv/bin/backend-expert new "$dest" --answers tests/samples/orders-api.yml --no-input
echo "Generated $dest: see $dest/README.md (its own setup, lint and test commands)."
