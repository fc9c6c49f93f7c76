#!/usr/bin/env python3
"""Write N realistic pipeline manifests of about 2 KB each, spread over 100 folders.

Usage: python3 Benchmarks/generate_manifests.py COUNT OUTDIR

Deterministic (seeded), so every run and every machine measures the same bytes. Each manifest
uses most of the language: a schedule in a real zone, parameters, env with a secret, defaults,
a DAG of 5-7 tasks with needs, conditions, a cache and an HTTP call, and alerts.
"""
import json
import os
import random
import sys

ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Sao_Paulo", "Australia/Sydney"]
CRONS = ["0 2 * * *", "*/15 * * * *", "30 6 * * MON-FRI", "0 0 L * *", "0 9 * * MON#1", "@hourly", "5 4 1,15 * *"]


def manifest(i, rng):
    name = f"pipeline-{i:05d}"
    # Timeouts that fit the schedule, as a careful author writes them: `baton validate`
    # warns about a run timeout longer than the gap between fires, and about a task timeout
    # longer than the run's.
    frequent = CRONS[i % len(CRONS)] in ("*/15 * * * *", "@hourly")
    run_timeout, task_timeout, extract_timeout = ("10m", "5m", "5m") if frequent else ("6h", "1h", "20m")
    tasks = [{"id": "extract", "run": ["sh", "-c", f"./etl/extract.sh --source s{i % 17}"],
              "timeout": extract_timeout,
              "env": {"BATCH_SIZE": str(500 + i % 500)}}]
    previous = "extract"
    for step in range(rng.randint(2, 4)):
        task = {"id": f"step-{step}", "needs": [previous], "run": f"./etl/step{step}.sh",
                "retries": rng.randint(0, 3)}
        if step == 1:
            task["cache"] = {"inputs": ["etl/sql/*.sql", f"etl/step{step}.sh"], "key": ["v3"], "ttl": "12h"}
        if step == 2:
            task["if"] = {"output": "extract.rows", "notEquals": "0"}
            task["needs"] = [previous, "extract"]
        tasks.append(task)
        previous = task["id"]
    tasks.append({"id": "publish", "needs": [previous],
                  "http": {"method": "POST", "url": f"https://warehouse.example/load/{name}",
                           "headers": {"Authorization": {"secret": "warehouse-token"}, "Content-Type": "application/json"},
                           "body": json.dumps({"pipeline": name, "mode": "append"}), "expectStatus": [200, 202]}})
    tasks.append({"id": "cleanup", "needs": ["publish"], "when": "always", "run": "./etl/cleanup.sh"})
    return {
        "apiVersion": "baton/v1",
        "kind": "Pipeline",
        "name": name,
        "description": f"Loads dataset {i} into the warehouse and publishes the daily snapshot for reporting.",
        "owners": [f"team-{i % 23}@example.com"],
        "labels": {"team": f"team-{i % 23}", "tier": ["gold", "silver", "bronze"][i % 3]},
        "schedule": {"cron": CRONS[i % len(CRONS)], "timezone": ZONES[i % len(ZONES)],
                     "missed": "latest", "startingDeadline": "30m", "concurrency": "forbid"},
        "parameters": {"region": {"default": "us", "allowed": ["us", "eu", "ap"], "description": "Warehouse region"},
                       "full_refresh": {"default": "false", "allowed": ["true", "false"]}},
        "env": {"WAREHOUSE": "prod", "DB_PASSWORD": {"secret": "warehouse-password"}},
        "defaults": {"retries": 2, "retryDelay": "30s", "retryBackoff": 2, "retryMaxDelay": "10m", "timeout": task_timeout},
        "maxParallel": 4,
        "timeout": run_timeout,
        "tasks": tasks,
        "alerts": [{"on": ["failure", "missed"], "webhook": "https://hooks.example/data"},
                   {"on": ["late"], "sla": "3h", "webhook": "https://hooks.example/data-late"}],
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    count, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20261123)
    total = 0
    for i in range(count):
        folder = os.path.join(out, f"group-{i % 100:02d}")
        os.makedirs(folder, exist_ok=True)
        text = json.dumps(manifest(i, rng), indent=1) + "\n"
        total += len(text)
        with open(os.path.join(folder, f"pipeline-{i:05d}.json"), "w") as f:
            f.write(text)
    print(f"wrote {count} manifests, {total // count} bytes on average, to {out}")


if __name__ == "__main__":
    main()
