# Sourced by daemon-benchmark.sh and http-benchmark.sh, which run `baton serve` (release
# build) through a Python scenario: builds the binary, makes a temporary directory, and makes
# sure no daemon outlives the script. Sets `binary` and `work`; takes the temp dir's prefix
# as $1.
#
# The Python side (daemon_benchmark.Daemon) writes the pid of the daemon it runs to
# $work/daemon.pid and removes the file once it has stopped and reaped it; anything still
# named there on exit (the Python side was killed) is stopped here: SIGTERM, up to 40 s for
# its grace period, then SIGKILL. The pid is checked to still be a `baton serve` of this temp
# dir before any signal is sent.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch=${SCRATCH_PATH:-.build}

echo "Building baton (release)..." >&2
swift build -c release --scratch-path "$scratch" --product baton >&2
case "$scratch" in
    /*) binary="$scratch/release/baton" ;;
    *) binary="$PWD/$scratch/release/baton" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
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
