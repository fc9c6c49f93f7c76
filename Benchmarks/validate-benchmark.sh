#!/usr/bin/env bash
# Validation throughput: `baton validate` (release build) over 10,000 generated manifests of
# about 2 KB, side by side with python3's json.load parsing the same files.
#   Benchmarks/validate-benchmark.sh [COUNT]      (or: make benchmark-validate)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-10000}"
data="Benchmarks/.data/manifests-$count"
swift build -c release --product baton >/dev/null
[ -d "$data" ] || python3 Benchmarks/generate_manifests.py "$count" "$data"
python3 Benchmarks/validate_benchmark.py "$(swift build -c release --show-bin-path)/baton" "$data"
