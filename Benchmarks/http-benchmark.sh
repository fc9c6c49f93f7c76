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
# Takes about two minutes. The daemon is stopped on exit (see daemon-benchmark.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH_PATH:-.build}

echo "Building baton (release)..." >&2
swift build -c release --scratch-path "$scratch" --product baton >&2
case "$scratch" in
    /*) binary="$scratch/release/baton" ;;
    *) binary="$PWD/$scratch/release/baton" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/http-benchmark.XXXXXX")
# http_benchmark.py (through daemon_benchmark.Daemon) writes the pid of the daemon it runs to $work/daemon.pid and removes the
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

python3 Benchmarks/http_benchmark.py "$binary" "$work"
