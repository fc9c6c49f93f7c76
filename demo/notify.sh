#!/bin/sh
# Demo stand-in for a pager or chat message: appends one line to a local log
# (under BATON_WORKSPACE when set, else /tmp) and echoes it. Needs no network.
set -eu
message=${*:-"(no message)"}
log=${BATON_WORKSPACE:-${TMPDIR:-/tmp}}/baton-demo-notifications.log
line="$(date -u +%Y-%m-%dT%H:%M:%SZ) $message"
echo "$line" >> "$log"
echo "notify: $line"
