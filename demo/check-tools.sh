#!/bin/sh
# daily-rollup/check-tools: fail early, with a clear message, if a tool the
# rollup needs is missing. Cached: it reruns only when the demo scripts change.
set -eu
for tool in awk sort cut wc date; do
    command -v "$tool" > /dev/null || { echo "check-tools: \"$tool\" is not installed" >&2; exit 1; }
done
echo "check-tools: awk sort cut wc date found"
