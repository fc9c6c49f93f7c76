#!/usr/bin/env bash
# Next-fire-time calls per second: Baton's schedule engine (release build) and Python's
# croniter on the same expressions, zones and instants, measured side by side in one run.
#
#   Benchmarks/schedule-benchmark.sh            # 5 repetitions each, medians compared
#   REPETITIONS=9 SCRATCH_PATH=.build-cron Benchmarks/schedule-benchmark.sh
#
# Targets (docs/schedules.md): at least 500,000 calls/s for the UTC cases, and at least 20x
# croniter's rate for every case. Exits 1 when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=${REPETITIONS:-5}
swift_calls=${SWIFT_CALLS:-500000}
python_calls=${PYTHON_CALLS:-20000}
scratch=${SCRATCH_PATH:-.build}
venv=Benchmarks/.venv

echo "Building the Swift benchmark (release)..." >&2
swift build -c release --scratch-path "$scratch" --product ScheduleBenchmark >&2

if [ ! -x "$venv/bin/python" ]; then
    echo "Creating $venv with croniter..." >&2
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check croniter >&2

swift_results=$(mktemp)
python_results=$(mktemp)
trap 'rm -f "$swift_results" "$python_results"' EXIT

echo "Running Swift ($repetitions x $swift_calls calls per case)..." >&2
"$scratch/release/ScheduleBenchmark" "$repetitions" "$swift_calls" > "$swift_results"

echo "Running croniter ($repetitions x $python_calls calls per case)..." >&2
# Same instants as the Swift side: 2026-01-01T00:00:00Z, then 7,919 s later each call. The
# iterator is built once per case so that, like the Swift side, no call pays for parsing.
"$venv/bin/python" - "$repetitions" "$python_calls" > "$python_results" <<'PY'
import statistics, sys, time
from datetime import datetime
from zoneinfo import ZoneInfo
from croniter import croniter

cases = [("0 2 * * *", "UTC"), ("0 2 * * *", "America/New_York"), ("*/5 * * * *", "UTC"),
         ("0 0 L * *", "UTC"), ("0 9 * * MON#1", "UTC")]
repetitions, calls = int(sys.argv[1]), int(sys.argv[2])
start = 1_767_225_600.0
for expression, zone in cases:
    tz = ZoneInfo(zone)
    iterator = croniter(expression, datetime.fromtimestamp(start, tz))
    rates = []
    for _ in range(repetitions):
        instant = start
        began = time.perf_counter()
        for _ in range(calls):
            iterator.set_current(datetime.fromtimestamp(instant, tz))
            iterator.get_next(float)
            instant += 7919
        rates.append(calls / (time.perf_counter() - began))
    print("\t".join([expression, zone, str(int(statistics.median(rates)))] + [str(int(r)) for r in rates]))
PY

python3 - "$swift_results" "$python_results" <<'PY'
import sys
swift = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
python = [line.rstrip("\n").split("\t") for line in open(sys.argv[2]) if line.strip()]
print(f"{'expression':<16} {'zone':<18} {'Baton calls/s':>14} {'croniter calls/s':>17} {'ratio':>7}  verdict")
failed = False
for s, p in zip(swift, python):
    assert s[:2] == p[:2], (s, p)
    baton, cron = int(s[2]), int(p[2])
    ratio = baton / cron
    ok = ratio >= 20 and (s[1] != "UTC" or baton >= 500_000)
    failed |= not ok
    print(f"{s[0]:<16} {s[1]:<18} {baton:>14,} {cron:>17,} {ratio:>6.0f}x  {'ok' if ok else 'MISSED TARGET'}")
print("(medians of the repetitions; targets: >= 500,000 calls/s in UTC, >= 20x croniter)")
sys.exit(1 if failed else 0)
PY
