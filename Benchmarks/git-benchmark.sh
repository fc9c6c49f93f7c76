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

echo "Building the Swift benchmark (release)..." >&2
swift build -c release --scratch-path "$scratch" --product GitBenchmark >&2
binary="$scratch/release/GitBenchmark"

# The fixture (made once by fixture-repository.sh), served by a git daemon for this run.
repository=$(Benchmarks/fixture-repository.sh "$count")
served=$(dirname "$repository")
data=$(dirname "$served")
. Benchmarks/git-daemon.sh
scratch_state=$(mktemp -d "${TMPDIR:-/tmp}/git-benchmark.XXXXXX")
remove_scratch() { rm -rf "$scratch_state"; }
exit_hooks=remove_scratch
serve_git "$served"
port=$git_port
git ls-remote "git://127.0.0.1:$port/manifests.git" main >/dev/null

python3 Benchmarks/git_benchmark.py "$binary" "git://127.0.0.1:$port/manifests.git" "$scratch_state" \
    --ref main --path manifests --rounds "$rounds" --results "$data/last-results.json"
