#!/usr/bin/env python3
"""Time `baton validate` over a directory of manifests, side by side with a python3 loop that
only parses the same files with json.load. Called by Benchmarks/validate-benchmark.sh.

Usage: validate_benchmark.py BATON DIR [--repeat N]

Both sides walk the directory and read every file from disk in each repetition (the page cache
is warmed first, so this measures CPU, not the disk). Baton's figure includes process start,
discovery, reading, strict parsing, full validation and the cross-file name check; Python's is
parsing only. Medians of N alternating repetitions are reported.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def python_parse_all(directory):
    count = 0
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".json") and not name.startswith("."):
                with open(os.path.join(root, name), "rb") as f:
                    json.load(f)
                count += 1
    return count


def baton_validate(baton, directory):
    result = subprocess.run([baton, "validate", "--json", directory], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        sys.exit(f"baton validate failed ({result.returncode}): {result.stderr.decode()[:500]}")
    report = json.loads(result.stdout)
    return report["files"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("baton")
    parser.add_argument("directory")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    python_parse_all(args.directory)  # warm the page cache
    files = baton_validate(args.baton, args.directory)
    baton_times, python_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        assert baton_validate(args.baton, args.directory) == files
        baton_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert python_parse_all(args.directory) == files
        python_times.append(time.perf_counter() - start)

    baton_rate = files / statistics.median(baton_times)
    python_rate = files / statistics.median(python_times)
    print(f"{files} manifests, {args.repeat} repetitions, medians ({os.cpu_count()} cores)")
    print(f"  baton validate (release) : {statistics.median(baton_times) * 1000:8.1f} ms  {baton_rate:10,.0f} manifests/s")
    print(f"  python3 json.load only   : {statistics.median(python_times) * 1000:8.1f} ms  {python_rate:10,.0f} manifests/s")
    print(f"  ratio baton / python     : {baton_rate / python_rate:8.2f}x")
    print(f"  target >= 40,000/s       : {'met' if baton_rate >= 40_000 else 'NOT met'}")


if __name__ == "__main__":
    main()
