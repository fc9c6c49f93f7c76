#!/usr/bin/env bash
# The daemon, `baton serve` (release build), on local Git repositories in a temporary directory:
#
#   Benchmarks/daemon-benchmark.sh                  # or: make benchmark-daemon
#
# 1. 1,000 pipelines sharing one fire instant (`every: 10s`, one `sh -c` task that writes its
#    own start time as an output, --workers 16, --interval 1h), three consecutive instants S:
#    S -> all 1,000 run records visible in the store (polled every ~2 ms), p99 <= 100 ms;
#    S -> each run's task process start, p99 <= 2 s; all 1,000 runs succeed.
# 2. 10,000 idle pipelines (daily cron), default interval: the daemon's resident memory
#    (VmRSS, VmHWM) <= 200 MB and CPU <= 1 % of one core over 60 s.
#
# Medians over the instants. Prints the figures, then one JSON line of raw samples; exits 1
# when a target is missed. Takes about three minutes. Every daemon it starts is stopped
# (SIGTERM, then waited for); the exit trap stops one left behind and removes the temp dir.
set -euo pipefail
# Builds baton, makes $work, and stops any daemon left behind on exit.
source "$(dirname "$0")/daemon-harness.sh" daemon-benchmark

python3 Benchmarks/daemon_benchmark.py "$binary" "$work"
