#!/usr/bin/env python3
"""The scenarios of daemon-benchmark.sh: `baton serve` on local Git repositories.

Usage: python3 Benchmarks/daemon_benchmark.py BATON_BINARY WORK_DIR

1. 1,000 pipelines sharing one fire instant (`every: 10s`, --workers 16, --interval 1h).
   For INSTANTS (3) consecutive shared instants S after the first pass applied (the first is
   skipped when it comes less than 2 s after the pass):
   - slot -> run record: the store is polled every ~2 ms from 0.2 s before S; the figure is
     the wall-clock time of the first poll that sees all 1,000 runs of S, minus S. The daemon
     writes an instant's runs in one transaction, so that is one number per instant (p50 and
     p99 over its 1,000 runs are equal to it). Beside it, p50/p99 of run.createdAt - S, the
     daemon's own timestamp of taking the slot (milliseconds, truncated, as the store keeps it).
   - slot -> first task's process start: the mtime (ns) of the file `started` that the task's
     own `sh` creates in its workspace as it starts, minus S; p50 and p99 over the 1,000 runs,
     read once every run of S ended. One process per run, as in a real one-task pipeline.
   Also: how many of the 1,000 succeeded, and when the last one ended (max finishedAt - S).
2. 10,000 idle pipelines (daily cron), default interval (60s): once the cold start has
   settled (the first pass applied, then the daemon's CPU quiet for 2 consecutive seconds,
   at most 60 s: the schedule load and the export of the live commit's tree come first, and
   the export of 10,000 files takes seconds on a file system that has just freed many inodes),
   60 s of /proc/PID/status (VmRSS each second, VmHWM at the end) and /proc/PID/stat
   (utime + stime at both ends of the window). How long the cold start took to settle is
   reported beside it.

Prints a table (figure, target, met/MISSED), then one JSON line of raw samples; exits 1 when
a target is missed, 2 when a scenario could not run.
"""
import calendar
import json
import math
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

INSTANTS = 3
PIPELINES = 1000
IDLE_PIPELINES = 10000
EVERY = 10
WINDOW = 60.0
TARGETS = {"record_p99_ms": 100, "start_p99_ms": 2000, "rss_mb": 200, "cpu_percent": 1.0}


class Failure(Exception):
    pass


def percentile(values, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def slot_text(epoch):
    """A slot as the store writes it: `YYYY-MM-DD HH:MM:SS.SSS`, UTC."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch)) + ".000"


def parse_store_date(text):
    """`YYYY-MM-DD HH:MM:SS.SSS` (UTC) to seconds since the epoch."""
    whole, _, millis = text.partition(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%d %H:%M:%S")) + int(millis or 0) / 1000


def parse_log_time(text):
    """The JSON log's `time` (RFC 3339, UTC, milliseconds) to seconds since the epoch."""
    whole, _, rest = text.partition(".")
    return parse_store_date(whole.replace("T", " ") + "." + rest.rstrip("Z")[:3])


# MARK: Fixtures


def write_repository(path, manifests):
    """A Git repository at `path` whose `main` holds `manifests` ({relative path: object})
    under manifests/, committed with the git CLI (identity from the environment)."""
    os.makedirs(path)
    for relative, manifest in manifests.items():
        file = os.path.join(path, "manifests", relative)
        os.makedirs(os.path.dirname(file), exist_ok=True)
        with open(file, "w") as f:
            json.dump(manifest, f, indent=1)
            f.write("\n")
    quiet = {"stdout": subprocess.DEVNULL}
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True, **quiet)
    subprocess.run(["git", "-C", path, "add", "manifests"], check=True, **quiet)
    subprocess.run(["git", "-C", path, "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", "benchmark pipelines"], check=True, **quiet)


def shared_instant_manifests():
    # One process per run: the shell's own `:` builtin creates a file in the run's workspace
    # as it starts, and the file's mtime (nanoseconds) is the process's start as it saw it.
    task = {"id": "t", "run": ["sh", "-c", ': > "$BATON_WORKSPACE/started"']}
    return {f"p{i:04d}.json": {"apiVersion": "baton/v1", "kind": "Pipeline", "name": f"p{i:04d}",
                               "schedule": {"every": f"{EVERY}s"}, "tasks": [task]}
            for i in range(1, PIPELINES + 1)}


def idle_cron(now):
    """`0 3 * * *` UTC, unless 03:00 UTC is within 15 minutes of `now` (the window must not
    see a fire time): then `0 15 * * *`."""
    minutes = time.gmtime(now).tm_hour * 60 + time.gmtime(now).tm_min
    return "0 15 * * *" if abs(minutes - 180) <= 15 else "0 3 * * *"


def idle_manifests(cron):
    task = {"id": "t", "run": ["true"]}
    return {f"group-{i % 100:02d}/idle-{i:05d}.json": {"apiVersion": "baton/v1", "kind": "Pipeline", "name": f"idle-{i:05d}",
                                                      "schedule": {"cron": cron, "timezone": "UTC"}, "tasks": [task]}
            for i in range(IDLE_PIPELINES)}


# MARK: The daemon


class Daemon:
    """One `baton serve` in its own session (so a Ctrl-C reaches the script, which stops it),
    its JSON log lines read off stderr as they come, with their arrival times."""

    def __init__(self, binary, work, name, repo, arguments):
        self.state = os.path.join(work, name, "state")
        self.log_path = os.path.join(work, name, "daemon.log")
        self.pid_file = os.path.join(work, "daemon.pid")
        environment = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
        command = [binary, "serve", "--repo", repo, "--state", self.state, *arguments, "--log-format", "json"]
        self.lines = []  # (arrival wall time, parsed object or None, raw line)
        self.changed = threading.Condition()
        self.spawned = time.time()
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        env=environment, start_new_session=True)
        with open(self.pid_file, "w") as f:
            f.write(f"{self.process.pid}\n")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    @property
    def pid(self):
        return self.process.pid

    def _read(self):
        with open(self.log_path, "wb") as log:
            for raw in self.process.stderr:
                arrived = time.time()
                log.write(raw)
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    parsed = None
                with self.changed:
                    self.lines.append((arrived, parsed, raw.decode(errors="replace").rstrip("\n")))
                    self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, predicate, timeout, what):
        """The first log line (arrival time, object) whose message satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self.changed:
            while True:
                for arrived, parsed, _ in self.lines[seen:]:
                    if parsed and predicate(str(parsed.get("message", ""))):
                        return arrived, parsed
                seen = len(self.lines)
                if self.process.poll() is not None and not self.reader.is_alive():
                    raise Failure(f"the daemon exited ({self.process.returncode}) before {what}:\n" + self.tail())
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure(f"no {what} within {timeout:.0f} s:\n" + self.tail())
                self.changed.wait(min(left, 0.5))

    def tail(self, count=15):
        with self.changed:
            return "\n".join(line for _, _, line in self.lines[-count:])

    def levels(self):
        """How many log lines of each level, and the distinct messages of warnings and errors."""
        counts, notable = {}, {}
        with self.changed:
            for _, parsed, raw in self.lines:
                level = parsed.get("level", "?") if parsed else "unparsed"
                counts[level] = counts.get(level, 0) + 1
                if level not in ("info", "debug", "trace", "notice"):
                    message = (parsed or {}).get("message", raw)[:160]
                    notable[message] = notable.get(message, 0) + 1
        return counts, notable

    def store(self):
        return sqlite3.connect(f"file:{self.state}/baton.sqlite?mode=ro", uri=True, isolation_level=None)

    def stop(self, timeout=60):
        """SIGTERM, then wait for the exit (the grace period is 30 s); SIGKILL past `timeout`.
        Returns (exit status, seconds taken)."""
        started = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(5)
        try:
            os.remove(self.pid_file)
        except FileNotFoundError:
            pass
        return self.process.returncode, time.monotonic() - started


def rows(db, sql, parameters=()):
    # fetchall steps every statement to its end, so no read transaction stays open between polls.
    return db.execute(sql, parameters).fetchall()


# MARK: Scenario 1


def shared_instant(binary, work):
    repo = os.path.join(work, "shared", "repo")
    write_repository(repo, shared_instant_manifests())
    daemon = Daemon(binary, work, "shared", repo, ["--interval", "1h", "--workers", "16"])
    try:
        started_at, _ = daemon.wait_for(lambda m: m == "baton serve started", 60, '"baton serve started"')
        applied_at, line = daemon.wait_for(lambda m: "applied:" in m, 120, 'an "applied:" line')
        applied = parse_log_time(line["time"]) if "time" in line else applied_at
        first = (math.floor(applied / EVERY) + 1) * EVERY
        if first - applied < 2:
            first += EVERY
        instants = [first + k * EVERY for k in range(INSTANTS)]
        db = daemon.store()
        visible = []
        for slot in instants:
            key = slot_text(slot)
            while time.time() < slot - 0.2:
                time.sleep(min(0.1, max(0.0, slot - 0.2 - time.time())))
            baseline = rows(db, "SELECT COALESCE(MAX(id), 0) FROM run")[0][0]
            previous, previous_count, polls = None, 0, 0
            while True:
                polled = time.time()
                count = rows(db, "SELECT COUNT(*) FROM run WHERE id > ? AND scheduledAt = ?", (baseline, key))[0][0]
                polls += 1
                if count >= PIPELINES:
                    break
                if polled > slot + 30:
                    raise Failure(f"only {count} of {PIPELINES} runs of {key} recorded 30 s after the slot:\n" + daemon.tail())
                previous, previous_count = polled, count
                time.sleep(0.002)
            visible.append({"slot": key, "ms": (polled - slot) * 1000,
                            "previous_poll_ms": None if previous is None else (previous - slot) * 1000,
                            "previous_poll_count": previous_count, "polls": polls})
            print(f"  instant {key}: all {PIPELINES} runs visible after {(polled - slot) * 1000:.1f} ms", file=sys.stderr)

        keys = [slot_text(s) for s in instants]
        marks = ",".join("?" * len(keys))
        deadline = time.monotonic() + 180
        while True:
            open_runs = rows(db, f"SELECT COUNT(*) FROM run WHERE scheduledAt IN ({marks}) AND state IN ('queued', 'running')", keys)[0][0]
            if open_runs == 0:
                break
            if time.monotonic() > deadline:
                raise Failure(f"{open_runs} runs of the measured instants still open 180 s later:\n" + daemon.tail())
            time.sleep(0.2)

        per_instant = []
        for slot, key, seen in zip(instants, keys, visible):
            found = rows(db, """
                SELECT r.state, r.createdAt, r.finishedAt, r.reason, r.id, a.state
                FROM run r LEFT JOIN task_attempt a
                  ON a.runID = r.id AND a.attempt = (SELECT MIN(attempt) FROM task_attempt WHERE runID = r.id)
                WHERE r.scheduledAt = ?""", (key,))
            created = [(parse_store_date(c) - slot) * 1000 for _, c, _, _, _, _ in found]
            starts, states, reasons = [], {}, {}
            for state, _, _, reason, run_id, _ in found:
                states[state] = states.get(state, 0) + 1
                if reason:
                    reasons[reason[:160]] = reasons.get(reason[:160], 0) + 1
                try:
                    value = os.stat(os.path.join(daemon.state, "runs", str(run_id), "started")).st_mtime_ns
                except FileNotFoundError:
                    continue
                starts.append((value - slot * 1_000_000_000) / 1e6)
            ended = [parse_store_date(f) for _, _, f, _, _, _ in found if f]
            per_instant.append({
                "slot": key, "runs": len(found), "states": states, "reasons": reasons,
                "record_ms": seen["ms"], "record_previous_poll_ms": seen["previous_poll_ms"],
                "record_previous_poll_count": seen["previous_poll_count"], "polls": seen["polls"],
                "created_p50_ms": percentile(created, 50), "created_p99_ms": percentile(created, 99),
                "created_distinct": len(set(created)),
                "start_p50_ms": percentile(starts, 50) if starts else None,
                "start_p99_ms": percentile(starts, 99) if len(starts) == PIPELINES else None,
                "start_min_ms": min(starts) if starts else None, "start_max_ms": max(starts) if starts else None,
                "started": len(starts), "succeeded": states.get("succeeded", 0),
                "last_ended_ms": (max(ended) - slot) * 1000 if ended else None,
            })
        db.close()
    finally:
        status, stop_s = daemon.stop()
    counts, notable = daemon.levels()
    return {
        "started_s": started_at - daemon.spawned, "applied_s": applied_at - daemon.spawned,
        "first_instant_after_applied_s": instants[0] - applied,
        "instants": per_instant, "stop_s": stop_s, "exit_status": status, "log_levels": counts, "log_notable": notable,
    }


# MARK: Scenario 2


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def kib(value):
    return int(value.split()[0])


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        after_name = f.read().rsplit(")", 1)[1].split()
    return int(after_name[11]) + int(after_name[12])  # utime, stime (fields 14 and 15)


def settle(pid, quiet_seconds=2, limit=60.0):
    """Seconds until the process used at most one tick of CPU in each of `quiet_seconds`
    consecutive seconds (its cold start done), waiting `limit` at most."""
    began = time.monotonic()
    quiet, ticks = 0, cpu_ticks(pid)
    while quiet < quiet_seconds and time.monotonic() - began < limit:
        time.sleep(1)
        now = cpu_ticks(pid)
        quiet = quiet + 1 if now - ticks <= 1 else 0
        ticks = now
    return time.monotonic() - began


def idle(binary, work):
    cron = idle_cron(time.time())
    repo = os.path.join(work, "idle", "repo")
    write_repository(repo, idle_manifests(cron))
    daemon = Daemon(binary, work, "idle", repo, ["--interval", "60s"])
    try:
        daemon.wait_for(lambda m: m == "baton serve started", 60, '"baton serve started"')
        applied_at, _ = daemon.wait_for(lambda m: "applied:" in m, 180, 'an "applied:" line')
        settled_s = settle(daemon.pid)
        db = daemon.store()

        def reconciles():
            return rows(db, "SELECT reconcileCount FROM daemon")[0][0]

        hz = os.sysconf("SC_CLK_TCK")
        passes_before = reconciles()
        start_status = proc_status(daemon.pid)
        ticks_before, began = cpu_ticks(daemon.pid), time.monotonic()
        rss = []
        for second in range(1, int(WINDOW) + 1):
            time.sleep(max(0.0, began + second - time.monotonic()))
            if second < WINDOW:
                rss.append(kib(proc_status(daemon.pid)["VmRSS"]))
        ticks_after, elapsed = cpu_ticks(daemon.pid), time.monotonic() - began
        end_status = proc_status(daemon.pid)
        rss.append(kib(end_status["VmRSS"]))
        passes = reconciles() - passes_before
        runs = rows(db, "SELECT COUNT(*) FROM run")[0][0]
        db.close()
    finally:
        status, stop_s = daemon.stop()
    counts, notable = daemon.levels()
    return {
        "cron": cron, "applied_s": applied_at - daemon.spawned, "settled_after_applied_s": settled_s,
        "rss_start_mb": kib(start_status["VmRSS"]) / 1024, "rss_end_mb": kib(end_status["VmRSS"]) / 1024,
        "hwm_mb": kib(end_status["VmHWM"]) / 1024, "threads": int(end_status["Threads"]),
        "cpu_ticks": ticks_after - ticks_before, "ticks_per_s": hz, "window_s": elapsed,
        "cpu_percent": (ticks_after - ticks_before) / hz / elapsed * 100,
        "reconcile_passes_in_window": passes, "runs_recorded": runs,
        "rss_kib_each_second": rss, "stop_s": stop_s, "exit_status": status, "log_levels": counts, "log_notable": notable,
    }


# MARK: Report


def rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v) for v in value]
    return value


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    binary, work = sys.argv[1], sys.argv[2]

    def interrupted(number, _):
        raise SystemExit(128 + number)  # unwinds through the `finally` that stops the daemon

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    load = os.getloadavg()
    try:
        print(f"1,000 pipelines sharing an instant (every {EVERY}s, --workers 16), {INSTANTS} instants...", file=sys.stderr)
        shared = shared_instant(binary, work)
        print(f"10,000 idle pipelines, {WINDOW:.0f} s of samples...", file=sys.stderr)
        quiet = idle(binary, work)
    except Failure as failure:
        print(f"error: {failure}", file=sys.stderr)
        return 2
    load_after = os.getloadavg()

    instants = shared["instants"]

    def median(key):
        values = [i[key] for i in instants]
        return None if any(v is None for v in values) else statistics.median(values)

    record = median("record_ms")
    start_p50, start_p99 = median("start_p50_ms"), median("start_p99_ms")
    succeeded = [i["succeeded"] for i in instants]
    figures = [
        # label, value, unit, target (<=), format
        ("slot -> all 1,000 run records visible (p50 = p99)", record, "ms", TARGETS["record_p99_ms"], "%9.1f"),
        ("  run.createdAt - slot, p50", median("created_p50_ms"), "ms", None, "%9.1f"),
        ("  run.createdAt - slot, p99", median("created_p99_ms"), "ms", None, "%9.1f"),
        ("slot -> task process start, p50", start_p50, "ms", None, "%9.1f"),
        ("slot -> task process start, p99", start_p99, "ms", TARGETS["start_p99_ms"], "%9.1f"),
        ("slot -> last run ended", median("last_ended_ms"), "ms", None, "%9.1f"),
        ("idle: resident memory at the end (VmRSS)", quiet["rss_end_mb"], "MB", TARGETS["rss_mb"], "%9.1f"),
        ("idle: peak resident memory (VmHWM)", quiet["hwm_mb"], "MB", TARGETS["rss_mb"], "%9.1f"),
        ("idle: CPU over 60 s", quiet["cpu_percent"], "% of a core", TARGETS["cpu_percent"], "%9.2f"),
    ]
    missed = False
    for label, value, unit, target, form in figures:
        if value is None:
            print("%-52s %9s %s  MISSED (not every run reported a start)" % (label, "-", unit))
            missed |= target is not None
            continue
        verdict = ""
        if target is not None:
            ok = value <= target
            missed |= not ok
            verdict = "  %s (target <= %s %s)" % ("met" if ok else "MISSED", target, unit)
        print(("%-52s " + form + " %s%s") % (label, value, unit, verdict))
    all_succeeded = all(s == PIPELINES for s in succeeded)
    missed |= not all_succeeded
    print("%-52s %9s      %s (target: 1,000 each)" % ("runs succeeded per instant", "/".join(map(str, succeeded)),
                                                   "met" if all_succeeded else "MISSED"))
    def each(key):
        return "/".join("-" if i[key] is None else "%.0f" % i[key] for i in instants)

    print("per instant (ms): records visible %s; process start p50 %s, p99 %s; last run ended %s"
          % (each("record_ms"), each("start_p50_ms"), each("start_p99_ms"), each("last_ended_ms")))
    print("(medians over %d instants; the first %.1f s after the pass applied; daemon up %.2f s, applied %.2f s after its start;"
          " idle: cold pass applied %.1f s after start, settled %.1f s after that, %d reconcile pass(es) in the window, RSS %.1f -> %.1f MB;"
          " load average %.2f before, %.2f after)"
          % (len(instants), shared["first_instant_after_applied_s"], shared["started_s"], shared["applied_s"], quiet["applied_s"],
             quiet["settled_after_applied_s"], quiet["reconcile_passes_in_window"], quiet["rss_start_mb"], quiet["rss_end_mb"], load[0], load_after[0]))
    samples = {"load_average": [load, load_after], "shared_instant": shared, "idle": quiet}
    print("samples:", json.dumps(rounded(samples), separators=(",", ":")))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
