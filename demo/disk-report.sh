#!/bin/sh
# disk-report/measure: how full is the file system Baton runs tasks on?
# Publishes use_percent=<n> and level=ok|high|critical.
set -eu
: "${BATON_WORKSPACE:?must be set by Baton to the run's scratch directory}"

# POSIX df output: Filesystem 1024-blocks Used Available Capacity Mounted-on
df -P -k "$BATON_WORKSPACE" | tail -n 1 > "$BATON_WORKSPACE/df.txt"
use=$(awk '{ sub("%", "", $5); print $5 }' "$BATON_WORKSPACE/df.txt")
if [ "$use" -ge "${CRITICAL_PERCENT:-95}" ]; then level=critical
elif [ "$use" -ge "${HIGH_PERCENT:-85}" ]; then level=high
else level=ok
fi

echo "disk-report: $(awk '{ print $6 }' "$BATON_WORKSPACE/df.txt") is ${use}% full ($level)"
printf 'use_percent=%s\nlevel=%s\n' "$use" "$level" >> "${BATON_OUTPUT:-/dev/null}"
