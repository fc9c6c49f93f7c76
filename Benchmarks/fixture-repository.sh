#!/usr/bin/env bash
# Makes the benchmark fixture once and prints the bare repository's path:
#   Benchmarks/fixture-repository.sh [COUNT]      -> Benchmarks/.data/git-COUNT/served/manifests.git
# Commit 1 adds COUNT manifests of about 2 KB in 100 folders (generate_manifests.py); commit 2
# changes one file. Fixed names and dates, so every run reads the same objects. Packed, as a
# real server's repository would be.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
data=Benchmarks/.data/git-$count
served="$data/served"
repository="$served/manifests.git"
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
echo "$repository"
