#!/bin/sh
# Property tests of the HTTP API against its own description (docs/openapi.yaml), with
# schemathesis (PyPI): a real `baton serve --http` on a temporary repository, every operation
# of the document called with generated valid and invalid requests, and each answer checked:
# no 5xx, and every response (status, content type, headers, body) as the document says.
#
# Builds nothing: it runs .build/debug/baton (or $BATON). `make test` runs it after the Swift
# tests. Reproduce a run with the seed it prints: SCHEMATHESIS_SEED=N scripts/schemathesis.sh.
# SCHEMATHESIS_MAX_EXAMPLES (default 40) bounds the cases per operation.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
baton=${BATON:-$root/.build/debug/baton}
if [ ! -x "$baton" ]; then
  echo "schemathesis.sh: $baton is missing; build first (swift build)" >&2
  exit 1
fi
if ! command -v schemathesis >/dev/null 2>&1; then
  echo "schemathesis.sh: schemathesis is not installed (make test-deps)" >&2
  exit 1
fi
seed=${SCHEMATHESIS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
examples=${SCHEMATHESIS_MAX_EXAMPLES:-40}

work=$(mktemp -d "${TMPDIR:-/tmp}/baton-schemathesis.XXXXXX")
pid=""
cleanup() {
  status=$?
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/serve.log" ]; then
    echo "--- baton serve log (last 40 lines) ---" >&2
    tail -n 40 "$work/serve.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A repository with three pipelines: one with parameters, one that fails, one slow enough to
# be cancelled while it runs.
repo=$work/repo
mkdir -p "$repo/manifests"
cat > "$repo/manifests/hello.json" <<'JSON'
{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "hello", "description": "Greets a region",
 "schedule": {"cron": "0 2 * * *"},
 "parameters": {"region": {"default": "us", "allowed": ["us", "eu"]}},
 "tasks": [{"id": "greet", "run": "echo hello from $BATON_PARAM_REGION"},
           {"id": "done", "needs": ["greet"], "run": "echo done"}]}
JSON
cat > "$repo/manifests/broken.json" <<'JSON'
{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "broken", "schedule": {"cron": "*/5 * * * *"},
 "tasks": [{"id": "fail", "run": "echo about to fail; exit 3"}]}
JSON
cat > "$repo/manifests/slow.json" <<'JSON'
{"apiVersion": "baton/v1", "kind": "Pipeline", "name": "slow",
 "tasks": [{"id": "wait", "run": "echo waiting; sleep 5"}]}
JSON
git -C "$repo" init -q -b main
git -C "$repo" -c user.name=Schemathesis -c user.email=schemathesis@example.com add -A
git -C "$repo" -c user.name=Schemathesis -c user.email=schemathesis@example.com commit -q -m "three pipelines"

token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
hash=$(printf %s "$token" | sha256sum | cut -d' ' -f1)
printf 'schemathesis operate %s\n' "$hash" > "$work/tokens"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port

"$baton" serve --repo "$repo" --ref main --state "$work/state" --interval 1h --grace 2s \
  --http "127.0.0.1:$port" --http-tokens "$work/tokens" > "$work/serve.log" 2>&1 &
pid=$!

# Ready once the first pass has ended.
tries=0
until curl -fsS "$base/readyz" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "schemathesis.sh: baton serve did not become ready on $base" >&2
    exit 1
  fi
  sleep 0.1
done

# Some history for the responses to show: a run of each pipeline (one succeeds, one fails).
auth="Authorization: Bearer $token"
for name in hello broken; do
  curl -fsS -X POST -H "$auth" "$base/api/v1/pipelines/$name/trigger" >/dev/null
done

# From the temporary directory: schemathesis keeps its example database (.schemathesis/) there.
cd "$work"
echo "schemathesis.sh: seed $seed, $examples examples per operation, against $base"
schemathesis run "$base/api/v1/openapi.yaml" \
  --header "$auth" \
  --checks all \
  --exclude-checks positive_data_acceptance \
  --max-examples "$examples" \
  --seed "$seed" \
  --request-timeout 20 \
  --workers 1 \
  --no-color \
  --report-dir "$work/report"
