#!/usr/bin/env python3
"""Time BatonGit (through the GitBenchmark binary) and the `git` CLI side by side against one
`git daemon`. Called by Benchmarks/git-benchmark.sh, which builds the binary, makes the
fixture and starts the daemon.

Usage: git_benchmark.py BINARY URL SCRATCH --ref REF --path PATH [--rounds N] [--results FILE]

Each round runs one repetition of each side, Baton first, then git, so both see the same
machine state; medians over the rounds are compared. Baton's times come from the binary's
monotonic clock around the library calls (opening the repository included); git's are
wall-clock times of the commands, process start included, since that is what using the CLI
costs:

  clone       GitMirror.sync into an empty state dir  vs  git clone --mirror URL DIR
  noop_fetch  GitMirror.sync with nothing new          vs  git fetch in that mirror
  read        manifests(at:under:), every blob's bytes vs  git ls-tree -r --object-only C -- PATH
                                                           | git cat-file --batch  (the pipeline)
  diff        manifestChanges(from: parent, to: C)     vs  git diff-tree -r --name-status P C -- PATH
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

# (operation, label, target ratio, absolute target in ms); None means no target.
OPERATIONS = [
    ("read", "read every manifest", 1.5, None),
    ("diff", "changed files, one-file commit", None, 5.0),
    ("noop_fetch", "no-op fetch", 1.2, None),
    ("clone", "initial clone", None, None),
]
# Baton-only figures that split `read` and `diff` up (see GitBenchmark/main.swift).
EXTRA = ["open", "read_warm", "diff_warm"]


def run(command, **kwargs):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.decode()[:500]}")
    return result.stdout


def timed(body):
    start = time.perf_counter()
    value = body()
    return value, (time.perf_counter() - start) * 1000


def git_read(mirror, commit, path, keep_output=False):
    """`git ls-tree -r` piped into `git cat-file --batch`; returns cat-file's output."""
    lister = subprocess.Popen(["git", "-C", mirror, "ls-tree", "-r", "--object-only", commit, "--", path],
                              stdout=subprocess.PIPE)
    reader = subprocess.Popen(["git", "-C", mirror, "cat-file", "--batch"], stdin=lister.stdout,
                              stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL)
    lister.stdout.close()
    output = reader.communicate()[0]
    if lister.wait() != 0 or reader.returncode != 0:
        sys.exit("git ls-tree | git cat-file --batch failed")
    return output


def parse_batch(output):
    """(objects, content bytes) in `git cat-file --batch` output."""
    objects = size = 0
    position = 0
    while position < len(output):
        newline = output.index(b"\n", position)
        _, kind, length = output[position:newline].split()
        assert kind == b"blob", kind
        objects += 1
        size += int(length)
        position = newline + 1 + int(length) + 1
    return objects, size


def git_round(url, scratch, index, commit, parent, path):
    mirror = os.path.join(scratch, f"git-{index}.git")
    shutil.rmtree(mirror, ignore_errors=True)
    times = {}
    _, times["clone"] = timed(lambda: run(["git", "clone", "-q", "--mirror", url, mirror]))
    _, times["noop_fetch"] = timed(lambda: run(["git", "-C", mirror, "fetch", "-q"]))
    _, times["read"] = timed(lambda: git_read(mirror, commit, path))
    diff, times["diff"] = timed(lambda: run(["git", "-C", mirror, "diff-tree", "-r", "--name-status", parent, commit, "--", path]))
    checks = {
        "read": parse_batch(git_read(mirror, commit, path, keep_output=True)),
        "diff": sorted(line.split("\t")[-1] for line in diff.decode().splitlines()),
    }
    shutil.rmtree(mirror, ignore_errors=True)
    return times, checks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("url")
    parser.add_argument("scratch")
    parser.add_argument("--ref", default="main")
    parser.add_argument("--path", default="manifests")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--results")
    args = parser.parse_args()

    baton = {name: [] for name, *_ in OPERATIONS}
    git = {name: [] for name, *_ in OPERATIONS}
    extra = {name: [] for name in EXTRA}
    for index in range(args.rounds):
        report = json.loads(run([args.binary, args.url, os.path.join(args.scratch, "baton"), args.ref, args.path, "1"]))
        for name in baton:
            baton[name] += report[name]["samples_ms"]
        for name in extra:
            extra[name] += report[name]["samples_ms"]
        times, checks = git_round(args.url, args.scratch, index, report["commit"], report["parent"], args.path)
        for name in git:
            git[name].append(times[name])
        # Both sides must have done the same work, or the comparison means nothing.
        if checks["read"] != (report["manifests"], report["bytes"]):
            sys.exit(f"read mismatch: git {checks['read']}, Baton {(report['manifests'], report['bytes'])}")
        if checks["diff"] != sorted(report["changed_files"]):
            sys.exit(f"diff mismatch: git {checks['diff']}, Baton {report['changed_files']}")
        print(f"round {index + 1}/{args.rounds}: " + ", ".join(
            f"{name} {baton[name][-1]:.1f}/{git[name][-1]:.1f} ms" for name in baton), file=sys.stderr)

    print(f"{report['manifests']:,} manifests, {report['bytes']:,} bytes; one-file commit changes "
          f"{', '.join(report['changed_files'])}; {args.rounds} rounds, medians")
    print(f"{'operation':<32} {'Baton ms':>10} {'git ms':>10} {'ratio':>7}  {'target':<12} verdict")
    failed = False
    summary = {}
    for name, label, ratio_target, absolute_target in OPERATIONS:
        b, g = statistics.median(baton[name]), statistics.median(git[name])
        ratio = b / g
        if ratio_target is not None:
            target, ok = f"<= {ratio_target}x git", ratio <= ratio_target
        elif absolute_target is not None:
            target, ok = f"< {absolute_target:g} ms", b < absolute_target
        else:
            target, ok = "-", None
        failed |= ok is False
        verdict = "reported" if ok is None else ("ok" if ok else "MISSED TARGET")
        print(f"{label:<32} {b:>10.1f} {g:>10.1f} {ratio:>6.2f}x  {target:<12} {verdict}")
        summary[name] = {"baton_median_ms": b, "git_median_ms": g, "ratio": ratio, "target": target,
                         "verdict": verdict, "baton_samples_ms": baton[name], "git_samples_ms": git[name]}
    print("(Baton: library calls, repository open included; git: whole commands, process start included)")
    print("Baton breakdown, medians: " + ", ".join(f"{name} {statistics.median(extra[name]):.1f} ms" for name in EXTRA))
    summary["baton_breakdown"] = {name: {"median_ms": statistics.median(extra[name]), "samples_ms": extra[name]} for name in EXTRA}
    if args.results:
        with open(args.results, "w") as f:
            json.dump(summary, f, indent=2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
