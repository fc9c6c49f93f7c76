#!/usr/bin/env bash
# `baton serve --http` (release build) under load from wrk, on a local Git repository in a
# temporary directory:
#
#   Benchmarks/http-benchmark.sh                    # or: make benchmark-http
#
# 1,000 pipelines live, firing together every 10 s (--workers 16): wrk (2 threads, 32
# connections, 30 s) on `GET /api/v1/runs?limit=50` and on the dashboard's pipelines page.
# Targets: >= 5,000 API requests/s with p99 <= 20 ms, and the slot -> task start p99 under
# load no worse than without it. Needs `wrk` (Debian; `make benchmark-http` installs it).
# Takes about four minutes. The daemon is stopped on exit (see daemon-harness.sh).
set -euo pipefail
# Builds baton, makes $work, and stops any daemon left behind on exit.
source "$(dirname "$0")/daemon-harness.sh" http-benchmark

python3 Benchmarks/http_benchmark.py "$binary" "$work"
