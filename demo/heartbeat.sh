#!/bin/sh
# heartbeat: record that a run happened, so the demo shows life within a minute of start.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "$now" > "$BATON_WORKSPACE/heartbeat.txt"
echo "heartbeat at $now on $(uname -n)"
echo "beat_at=$now" >> "${BATON_OUTPUT:-/dev/null}"
