# Sourced by the benchmark scripts: serves a directory with `git daemon` on a free port of
# 127.0.0.1 and stops it when the script exits.
#
#   . Benchmarks/git-daemon.sh
#   serve_git BASE_PATH          # sets $git_port; git://127.0.0.1:$git_port/NAME.git
#
# The exit trap keeps the script's own status: `wait` on the killed daemon returns 143,
# which under `set -e` would otherwise end the trap early and replace the status.
serve_git() {
    git_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    git daemon --export-all --base-path="$1" --reuseaddr --listen=127.0.0.1 --port="$git_port" "$1" 2>/dev/null &
    git_daemon_pid=$!
    trap 'status=$?; kill "$git_daemon_pid" 2>/dev/null || true; wait "$git_daemon_pid" 2>/dev/null || true; for hook in ${exit_hooks:-}; do "$hook"; done; exit "$status"' EXIT
    for _ in $(seq 100); do
        if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$git_port" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "git daemon did not start on port $git_port" >&2
    return 1
}
