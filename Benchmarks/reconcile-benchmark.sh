#!/usr/bin/env bash
# The reconciler on a repository of 10,000 manifests (release build):
#
#   Benchmarks/reconcile-benchmark.sh                  # or: make benchmark-reconcile
#   ROUNDS=9 SCRATCH_PATH=.build-bench Benchmarks/reconcile-benchmark.sh
#
# Targets: a cold pass into an empty store <= 3 s; a pass after a one-file commit <= 50 ms; a
# pass with no new commit <= 5 ms; peak memory <= 300 MB. Medians over ROUNDS; each cold pass
# runs in its own process so its peak memory is its own. Exits 1 when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-7}
cold_rounds=${COLD_ROUNDS:-5}
scratch=${SCRATCH_PATH:-.build}

echo "Building the reconcile benchmark (release)..." >&2
swift build -c release --scratch-path "$scratch" --product ReconcileBenchmark >&2
binary="$scratch/release/ReconcileBenchmark"
repository=$(Benchmarks/fixture-repository.sh 10000)
work=$(mktemp -d "${TMPDIR:-/tmp}/reconcile-benchmark.XXXXXX")
remove_work() { rm -rf "$work"; }
exit_hooks=remove_work
# Served over git:// as a remote would be (a local path would make libgit2 build a pack on
# the fly, which no real source does).
. Benchmarks/git-daemon.sh
serve_git "$(dirname "$repository")"
url="git://127.0.0.1:$git_port/$(basename "$repository")"

results="$work/results.jsonl"
for round in $(seq "$cold_rounds"); do
    echo "cold pass $round/$cold_rounds..." >&2
    "$binary" cold "$url" "$work" | sed 's/^/{"kind": "cold", "data": /; s/$/}/' >> "$results"
done
echo "one-file and no-change passes, $rounds rounds..." >&2
"$binary" warm "$url" "$work" "$rounds" | sed 's/^/{"kind": "warm", "data": /; s/$/}/' >> "$results"

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
cold = [r["data"] for r in rows if r["kind"] == "cold"]
warm = next(r["data"] for r in rows if r["kind"] == "warm")
figures = [
    ("cold pass into an empty store (clone included)", statistics.median(c["ms"] for c in cold), "ms", 3000),
    ("  of which the clone", statistics.median(c["clone_ms"] for c in cold), "ms", None),
    ("pass after a one-file commit", statistics.median(warm["one_file_ms"]), "ms", 50),
    ("pass with no new commit", statistics.median(warm["no_change_ms"]), "ms", 5),
    ("  the same with the fetch over git://", statistics.median(warm["no_change_with_fetch_ms"]), "ms", None),
    ("peak memory (cold pass)", max(c["max_rss_mb"] for c in cold), "MB", 300),
]
missed = False
for label, value, unit, target in figures:
    verdict = "" if target is None else ("  met (target <= %d %s)" % (target, unit) if value <= target else "  MISSED (target <= %d %s)" % (target, unit))
    missed |= target is not None and value > target
    print("%-48s %9.1f %s%s" % (label, value, unit, verdict))
steps = {k: statistics.median(c["steps_ms"][k] for c in cold) for k in cold[0]["steps_ms"]}
print("cold pass by step (ms, medians):", json.dumps({k: round(v, 1) for k, v in steps.items()}))
print("samples:", json.dumps({"cold_ms": [round(c["ms"], 1) for c in cold], "one_file_ms": [round(x, 2) for x in warm["one_file_ms"]], "no_change_ms": [round(x, 2) for x in warm["no_change_ms"]]}))
sys.exit(1 if missed else 0)
PY
