#!/usr/bin/env python3
"""The scenario of http-benchmark.sh: `baton serve --http` under load from `wrk`.

Usage: python3 Benchmarks/http_benchmark.py BATON_BINARY WORK_DIR

1,000 pipelines live, sharing a fire instant every 10 s (one `sh -c` task each, --workers 16,
--interval 1h), so runs fire and the run table grows while the server is loaded:

1. Quiet: QUIET_INSTANTS instants with no HTTP load; for each, slot -> task process start
   p99 over its 1,000 runs (the mtime of the file the task's `sh` creates as it starts).
2. API: `wrk --latency -t2 -c32 -d LOAD_SECONDS` on `GET /api/v1/runs?limit=50` with a read
   token: requests/s, p50 and p99 latency, non-2xx count; and slot -> start p99 of every
   instant that fell inside the load window.
3. Dashboard: the same on the dashboard's pipelines page (`GET /ui/pipelines`, the token
   as a bearer header, as a browser's session cookie would carry it).

Targets: >= 5,000 API requests/s with p99 <= 20 ms; the slot -> start p99 under load no worse
than without (allowing 10 % for a shared, noisy machine: the load generator itself takes a
core of the two). Prints a table, then one JSON line of raw samples; exits 1 when a target
is missed, 2 when the scenario could not run.
"""
import hashlib
import json
import math
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_benchmark import (EVERY, PIPELINES, Daemon, Failure, percentile, rounded, rows,  # noqa: E402
                              shared_instant_manifests, slot_text, write_repository, parse_log_time)

QUIET_INSTANTS = 3
LOAD_SECONDS = 30
TARGETS = {"api_rps": 5000, "api_p99_ms": 20.0, "start_p99_slack": 1.10}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise Failure(f"{base}/readyz did not answer 200 within {timeout} s")


def instant_starts(db, state, slot):
    """Slot -> process start (ms) of each run of the instant whose task started."""
    found = rows(db, "SELECT id, state FROM run WHERE scheduledAt = ?", (slot_text(slot),))
    starts = []
    for run_id, _ in found:
        try:
            value = os.stat(os.path.join(state, "runs", str(run_id), "started")).st_mtime_ns
        except FileNotFoundError:
            continue
        starts.append((value - slot * 1_000_000_000) / 1e6)
    return len(found), starts


def wait_instants_done(db, slots, daemon, timeout=180):
    keys = [slot_text(s) for s in slots]
    marks = ",".join("?" * len(keys))
    deadline = time.monotonic() + timeout
    while True:
        open_runs = rows(db, f"SELECT COUNT(*) FROM run WHERE scheduledAt IN ({marks}) AND state IN ('queued', 'running')", keys)[0][0]
        if open_runs == 0:
            return
        if time.monotonic() > deadline:
            raise Failure(f"{open_runs} runs still open {timeout} s later:\n" + daemon.tail())
        time.sleep(0.2)


def start_p99s(db, state, slots, under_load=False):
    """Slot -> start p99 of each instant. Under load, runs that never started (skipped: the
    previous instant's runs were still running) count as infinitely late, so the figure is
    reported as missed rather than the scenario failing."""
    result = []
    for slot in slots:
        count, starts = instant_starts(db, state, slot)
        if count < PIPELINES or (len(starts) < PIPELINES and not under_load):
            raise Failure(f"instant {slot_text(slot)}: {count} runs, {len(starts)} started, of {PIPELINES}")
        if len(starts) < PIPELINES:
            print(f"  instant {slot_text(slot)}: only {len(starts)} of {PIPELINES} runs started", file=sys.stderr)
            starts = starts + [math.inf] * (PIPELINES - len(starts))
        result.append(percentile(starts, 99))
    return result


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, token, seconds):
    command = ["wrk", "--latency", "-t2", "-c32", f"-d{seconds}s", "-H", f"Authorization: Bearer {token}", url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def latency(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(match.group(1)) * UNITS[match.group(2)] if match else None

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {"rps": float(rps.group(1)) if rps else None, "p50_ms": latency("50"), "p99_ms": latency("99"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "socket_errors": errors.group(0) if errors else None,
            "raw": output}


def loaded(daemon, db, url, token):
    """wrk for LOAD_SECONDS; the instants wholly inside the window (1 s margin each side)."""
    began = time.time()
    result = wrk(url, token, LOAD_SECONDS)
    ended = time.time()
    slots = [s for s in range(math.ceil((began + 1) / EVERY) * EVERY, int(ended), EVERY) if s + 3 <= ended]
    wait_instants_done(db, slots, daemon)
    result["slots"] = [slot_text(s) for s in slots]
    result["start_p99_ms"] = start_p99s(db, daemon.state, slots, under_load=True)
    return result


def scenario(binary, work):
    repo = os.path.join(work, "http", "repo")
    write_repository(repo, shared_instant_manifests())
    token = secrets.token_urlsafe(32)
    tokens = os.path.join(work, "tokens")
    with open(tokens, "w") as f:
        f.write(f"benchmark read {hashlib.sha256(token.encode()).hexdigest()}\n")
    os.chmod(tokens, 0o600)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    daemon = Daemon(binary, work, "http", repo, ["--interval", "1h", "--workers", "16",
                                                  "--http", f"127.0.0.1:{port}", "--http-tokens", tokens])
    try:
        _, line = daemon.wait_for(lambda m: "applied:" in m, 120, 'an "applied:" line')
        wait_ready(base)
        applied = parse_log_time(line["time"])
        first = (math.floor(applied / EVERY) + 1) * EVERY
        if first - applied < 2:
            first += EVERY
        quiet_slots = [first + k * EVERY for k in range(QUIET_INSTANTS)]
        db = daemon.store()
        wait_until = quiet_slots[-1] + 1
        while time.time() < wait_until:
            time.sleep(min(0.5, wait_until - time.time()))
        wait_instants_done(db, quiet_slots, daemon)
        quiet = start_p99s(db, daemon.state, quiet_slots)
        print(f"  quiet: slot -> start p99 per instant {', '.join('%.0f' % v for v in quiet)} ms", file=sys.stderr)
        runs = rows(db, "SELECT COUNT(*) FROM run")[0][0]
        api = loaded(daemon, db, base + "/api/v1/runs?limit=50", token)
        print(f"  api: {api['rps']:.0f} requests/s, p99 {api['p99_ms']} ms", file=sys.stderr)
        page = loaded(daemon, db, base + "/ui/pipelines", token)
        print(f"  dashboard: {page['rps']:.0f} requests/s, p99 {page['p99_ms']} ms", file=sys.stderr)
        db.close()
    finally:
        status, stop_s = daemon.stop()
    return {"quiet_start_p99_ms": quiet, "quiet_slots": [slot_text(s) for s in quiet_slots], "runs_before_load": runs,
            "api": api, "dashboard": page, "exit_status": status, "stop_s": stop_s}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    binary, work = sys.argv[1], sys.argv[2]

    def interrupted(number, _):
        raise SystemExit(128 + number)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        print(f"1,000 pipelines firing every {EVERY}s, --http on loopback, wrk {LOAD_SECONDS} s per page...", file=sys.stderr)
        result = scenario(binary, work)
    except Failure as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 2
    quiet = statistics.median(result["quiet_start_p99_ms"])
    api, page = result["api"], result["dashboard"]
    api_start = statistics.median(api["start_p99_ms"]) if api["start_p99_ms"] else None
    page_start = statistics.median(page["start_p99_ms"]) if page["start_p99_ms"] else None
    bound = quiet * TARGETS["start_p99_slack"]
    figures = [
        ("GET /api/v1/runs?limit=50: requests/s", api["rps"], "req/s", (">=", TARGETS["api_rps"])),
        ("GET /api/v1/runs?limit=50: latency p50", api["p50_ms"], "ms", None),
        ("GET /api/v1/runs?limit=50: latency p99", api["p99_ms"], "ms", ("<=", TARGETS["api_p99_ms"])),
        ("GET /ui/pipelines: requests/s", page["rps"], "req/s", None),
        ("GET /ui/pipelines: latency p50", page["p50_ms"], "ms", None),
        ("GET /ui/pipelines: latency p99", page["p99_ms"], "ms", None),
        ("slot -> task start p99, no HTTP load", quiet, "ms", None),
        ("slot -> task start p99, under API load", api_start, "ms", ("<=", bound)),
        ("slot -> task start p99, under dashboard load", page_start, "ms", ("<=", bound)),
    ]
    missed = False
    for label, value, unit, target in figures:
        verdict = ""
        if target is not None:
            op, limit = target
            ok = value is not None and (value >= limit if op == ">=" else value <= limit)
            missed |= not ok
            verdict = "  %s (target %s %.1f %s)" % ("met" if ok else "MISSED", op, limit, unit)
        shown = "-" if value is None else "%.1f" % value
        print("%-48s %10s %s%s" % (label, shown, unit, verdict))
    for name, result_ in (("api", api), ("dashboard", page)):
        if result_["non2xx"] or result_["socket_errors"]:
            missed = True
            print(f"{name}: {result_['non2xx']} non-2xx responses; {result_['socket_errors']}")
    print("(runs in the store when the load began: %d; instants under load: api %s, dashboard %s)"
          % (result["runs_before_load"], ", ".join(api["slots"]), ", ".join(page["slots"])))
    print("samples:", json.dumps(rounded(result), separators=(",", ":")))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
