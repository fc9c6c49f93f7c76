#!/usr/bin/env bash
# The Git layer: BatonGit (release build) side by side with the `git` CLI in the same run,
# both against one `git daemon` on 127.0.0.1 serving 10,000 generated manifests of about
# 2 KB in 100 folders.
#
#   Benchmarks/git-benchmark.sh                 # 7 alternating rounds, medians compared
#   ROUNDS=11 SCRATCH_PATH=.build-bench Benchmarks/git-benchmark.sh     (or: make benchmark-git)
#
# Pairs (see Benchmarks/README.md): reading every manifest at a commit (target <= 1.5x
# `git ls-tree -r | git cat-file --batch`), the changed files of a one-file commit (target
# < 5 ms; `git diff-tree` for reference), a no-op fetch over git:// (target <= 1.2x
# `git fetch` on a mirror clone) and the initial clone (reported beside
# `git clone --mirror`, no target). Exits 1 when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-7}
count=${COUNT:-10000}
scratch=${SCRATCH_PATH:-.build}
data=Benchmarks/.data/git-$count
served="$data/served"          # the daemon's base path
repository="$served/manifests.git"

echo "Building the Swift benchmark (release)..." >&2
swift build -c release --scratch-path "$scratch" --product GitBenchmark >&2
binary="$scratch/release/GitBenchmark"

# The fixture, made once: commit 1 adds every manifest, commit 2 changes one file. Fixed
# names and dates, so every run serves the same objects. Packed, as a real server would be.
if [ ! -d "$repository" ]; then
    echo "Creating the fixture repository in $data..." >&2
    rm -rf "$data"
    work="$data/work"
    mkdir -p "$work" "$served"
    python3 Benchmarks/generate_manifests.py "$count" "$work/manifests" >&2
    export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com
    export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
    git -C "$work" init -q -b main
    git -C "$work" add manifests
    git -C "$work" commit -q -m "Add $count manifests"
    python3 - "$work/manifests/group-07/pipeline-00007.json" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
marker = '"BATCH_SIZE": "'
assert marker in text, path
open(path, "w").write(text.replace(marker, marker + "1", 1))
PY
    export GIT_AUTHOR_DATE="2026-01-01T01:00:00Z" GIT_COMMITTER_DATE="2026-01-01T01:00:00Z"
    git -C "$work" commit -q -am "Change one manifest"
    git clone -q --bare "$work" "$repository"
    git -C "$repository" repack -a -d -q
    rm -rf "$work"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git daemon --export-all --base-path="$served" --reuseaddr --listen=127.0.0.1 --port="$port" "$served" 2>/dev/null &
daemon=$!
scratch_state=$(mktemp -d "${TMPDIR:-/tmp}/git-benchmark.XXXXXX")
# Keeps the script's own exit status: `wait` on the killed daemon returns 143, which under
# `set -e` would otherwise end the trap early and replace the status.
cleanup() {
    local status=$?
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
    rm -rf "$scratch_state"
    exit "$status"
}
trap cleanup EXIT
for _ in $(seq 100); do
    if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$port" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
git ls-remote "git://127.0.0.1:$port/manifests.git" main >/dev/null

python3 Benchmarks/git_benchmark.py "$binary" "git://127.0.0.1:$port/manifests.git" "$scratch_state" \
    --ref main --path manifests --rounds "$rounds" --results "$data/last-results.json"
