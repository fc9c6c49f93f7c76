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
cd "$(dirname "$0")/.."
scratch=${SCRATCH_PATH:-.build}

echo "Building baton (release)..." >&2
swift build -c release --scratch-path "$scratch" --product baton >&2
case "$scratch" in
    /*) binary="$scratch/release/baton" ;;
    *) binary="$PWD/$scratch/release/baton" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/daemon-benchmark.XXXXXX")
# daemon_benchmark.py writes the pid of the daemon it runs to $work/daemon.pid and removes the
# file once it has stopped and reaped it; anything still named there on exit (the Python side
# was killed) is stopped here: SIGTERM, up to 40 s for its grace period, then SIGKILL. The pid
# is checked to still be a `baton serve` of this temp dir before any signal is sent.
cleanup() {
    status=$?
    if [ -s "$work/daemon.pid" ]; then
        pid=$(cat "$work/daemon.pid")
        if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--state $work/"; then
            echo "stopping the daemon left running (pid $pid)..." >&2
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    # A git command the killed Python side started may still be writing into the repository.
    rm -rf "$work" 2>/dev/null || { sleep 1; rm -rf "$work"; }
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The fixture repositories are committed with the git CLI under fixed identities and no
# user or system configuration (no signing hooks, no templates).
export GIT_AUTHOR_NAME="Baton Benchmark" GIT_AUTHOR_EMAIL="benchmark@example.com"
export GIT_COMMITTER_NAME="Baton Benchmark" GIT_COMMITTER_EMAIL="benchmark@example.com"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

python3 Benchmarks/daemon_benchmark.py "$binary" "$work"
