#!/usr/bin/env bash
# The executor (release build), side by side with a plain spawn loop in the same process:
#
#   Benchmarks/executor-benchmark.sh [RUNS]          # or: make benchmark-executor
#
# Targets: one-task runs (1,000 submitted at once, 16 workers) at >= 60 % of the rate of a loop
# spawning `/bin/sh -c true` (one run at a time is reported beside it); 40
# sequential `true` tasks end to end <= 200 ms; 200 parallel tasks with 16 workers reported.
# Medians. Exits 1 when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000}
scratch=${SCRATCH_PATH:-.build}
echo "Building the executor benchmark (release)..." >&2
swift build -c release --scratch-path "$scratch" --product ExecutorBenchmark >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/executor-benchmark.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$scratch/release/ExecutorBenchmark" "$work/run" "$runs" | python3 -c '
import json, statistics, sys
r = json.load(sys.stdin)
ex, plain = statistics.median(r["executor_runs_per_s"]), statistics.median(r["plain_spawns_per_s"])
conc = statistics.median(r["executor_concurrent_runs_per_s"])
printing = statistics.median(r["executor_printing_runs_per_s"])
seq, fan = statistics.median(r["sequential_40_ms"]), statistics.median(r["fan_out_200_ms"])
ok1, ok2 = conc >= 0.6 * plain, seq <= 200
print("plain /bin/sh -c true spawn loop      %8.0f /s" % plain)
print("one-task runs, one at a time          %8.0f /s   ratio %.2f  (reported)" % (ex, ex / plain))
print("one-task runs, submitted at once (16) %8.0f /s   ratio %.2f  %s (target >= 0.60)" % (conc, conc / plain, "met" if ok1 else "MISSED"))
print("  the same, the task printing a line     %8.0f /s   ratio %.2f  (reported: a log file per run)" % (printing, printing / plain))
print("40 sequential tasks, end to end       %8.1f ms  %s (target <= 200 ms)" % (seq, "met" if ok2 else "MISSED"))
print("200 parallel tasks, 16 workers        %8.1f ms  reported" % fan)
print("samples:", json.dumps(r))
sys.exit(0 if ok1 and ok2 else 1)
'
