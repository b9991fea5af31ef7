#!/usr/bin/env python3
"""Complexity harness: every hostile shape of issue #24 at size n and 8n.

Builds the release binary once, writes each shape into a temporary folder at n and 8n,
runs the binary on it and reads the child's resource use (getrusage through os.wait4:
user + system CPU seconds and peak resident memory). A shape fails when its CPU time or its
peak memory (above the binary's own baseline, measured on an empty catalogue) grows more
than LIMIT (16) times from n to 8n: linear work grows 8 times, quadratic work 64 times.
CPU time rather than wall time, so that other work on a shared machine does not count; a
figure too small to measure (below FLOOR_S seconds or FLOOR_KB kibibytes at 8n) is not held
to the ratio.

    scripts/complexity.py             build, run every shape, fail on a ratio above 16
    scripts/complexity.py --no-build  use target/release/pipeline as it is
    scripts/complexity.py SHAPE...    only these shapes (names as printed)
    scripts/complexity.py --scale 2   every n twice as large (for a slower or faster machine)
    scripts/complexity.py --binary P  run the binary P instead (e.g. a previous build), no build

Exit 0 when every shape holds, 1 otherwise. Sizes are chosen so that the whole harness
takes well under three minutes on two cores.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "pipeline")
LIMIT = 16.0
FLOOR_S = 0.15
FLOOR_KB = 8 * 1024

RECORD = (
    "title: T\ndate: 1950\ntype: Cable\nsummary: S\n"
)


def record(rid, extra=""):
    return f"id: {rid}\n{RECORD}{extra}"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# Each shape: (name, n, build(folder, n) -> (argv after the binary, stdin path or None)).
# The folder is empty; a shape writes its catalogue into folder/input.


def unknown_keys(fmt):
    def build(d, n):
        keys = "".join(f"unknown-key-{i}: v\n" for i in range(n))
        write(f"{d}/input/a.yaml", record("a", keys))
        return ["validate", "--input", f"{d}/input", "--format", fmt, "-q"], None

    return build


def unknown_keys_capped(d, n):
    keys = "".join(f"unknown-key-{i}: v\n" for i in range(n))
    write(f"{d}/input/a.yaml", record("a", keys))
    return ["validate", "--input", f"{d}/input", "--max-errors", "10", "-q"], None


def many_findings(mode):
    # n records of 20 unknown fields each, with --max-errors 10: named on the command line
    # (`validate FOLDER`, whose findings are filtered as they come) or with --report.
    def build(d, n):
        keys = "".join(f"unknown-{k}: v\n" for k in range(20))
        for i in range(n):
            write(f"{d}/input/r/r-{i:07d}.yaml", record(f"r-{i:07d}", keys))
        argv = ["validate", "--input", f"{d}/input", "--max-errors", "10", "-q"]
        if mode == "named":
            return argv + [f"{d}/input/r"], None
        return argv + ["--report", f"{d}/report.html"], None

    return build


def long_key(d, n):
    # One unknown key of n bytes: its suggestion search must not cost n times the field names.
    write(f"{d}/input/a.yaml", record("a", "titl" + "e" * n + ": v\n"))
    return ["validate", "--input", f"{d}/input", "-q"], None


def collections_suggest(d, n):
    # n collections described, and one record naming n near misses of them.
    write(
        f"{d}/input/_collections.yaml",
        "".join(f"collection-{i:07d}:\n  title: C\n" for i in range(n)),
    )
    refs = "".join(f"  - colection-{i:07d}\n" for i in range(n))
    write(f"{d}/input/a.yaml", record("a", "collections:\n" + refs))
    return ["validate", "--input", f"{d}/input", "-q"], None


def related_suggest(d, n):
    # n records, each naming a near miss of another record's id in `related`.
    for i in range(n):
        write(
            f"{d}/input/r/record-{i:07d}.yaml",
            record(f"record-{i:07d}", f"related: [recrd-{(i * 7 + 1) % n:07d}]\n"),
        )
    return ["validate", "--input", f"{d}/input", "-q"], None


def human_stream(d, n):
    # A stream of n documents, each with one finding: the human format quotes a line of
    # the same file n times.
    docs = "".join(
        "---\n" + record(f"doc-{i:07d}", "tittle: x\n") for i in range(n)
    )
    write(f"{d}/input/stream.yaml", docs)
    return ["validate", "--input", f"{d}/input", "--format", "human", "-q"], None


def human_long_line(d, n):
    # One line of n unknown collections: n findings quote the same long line.
    refs = ", ".join(f"c{i}" for i in range(n))
    write(f"{d}/input/_collections.yaml", "known:\n  title: K\n")
    write(f"{d}/input/a.yaml", record("a", f"collections: [{refs}]\n"))
    return ["validate", "--input", f"{d}/input", "--format", "human", "-q"], None


def human_many_files(d, n):
    # n files with a finding each: the human format must not keep every file it quotes.
    for i in range(n):
        write(f"{d}/input/f/f-{i:07d}.yaml", record(f"f-{i:07d}", "tittle: x\n"))
    return ["validate", "--input", f"{d}/input", "--format", "human", "-q"], None


def convert_findings(d, n):
    # A JSONL stream whose documents have many findings, with --max-errors 10.
    import json

    lines = []
    for i in range(n):
        doc = {"id": f"doc-{i:07d}", "title": "T", "date": "1950", "type": "Cable", "summary": "S"}
        for k in range(20):
            doc[f"unknown-{k}"] = "v"
        lines.append(json.dumps(doc))
    write(f"{d}/input/stdin.jsonl", "\n".join(lines) + "\n")
    return ["convert", "--from", "jsonl", "--to", "jsonl", "--max-errors", "10", "-q"], f"{d}/input/stdin.jsonl"


def long_list(command):
    def build(d, n):
        subjects = "".join(f"  - subject {i}\n" for i in range(n))
        write(f"{d}/input/a.yaml", record("a", "subjects:\n" + subjects))
        if command == "run":
            return ["run", "--input", f"{d}/input", "--output", f"{d}/output", "-q"], None
        return ["validate", "--input", f"{d}/input", "-q"], None

    return build


SHAPES = [
    ("unknown-keys", 8000, unknown_keys("concise")),
    ("unknown-keys-human", 4000, unknown_keys("human")),
    ("unknown-keys-max-errors", 8000, unknown_keys_capped),
    ("named-files-max-errors", 500, many_findings("named")),
    ("report-max-errors", 500, many_findings("report")),
    ("long-key", 100_000, long_key),
    ("collections-suggest", 1000, collections_suggest),
    ("related-suggest", 500, related_suggest),
    ("human-stream", 2000, human_stream),
    ("human-long-line", 1000, human_long_line),
    ("human-many-files", 500, human_many_files),
    ("convert-max-errors", 1000, convert_findings),
    ("long-list-validate", 20_000, long_list("validate")),
    ("long-list-run", 20_000, long_list("run")),
]


def measure(argv, stdin_path, cwd):
    """CPU seconds (user + system), peak RSS in KiB, wall seconds, exit code."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    start = time.monotonic()
    child = subprocess.Popen(
        [BINARY, *argv],
        stdin=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
        env={**os.environ, "PIPELINE_CACHE_DIR": os.path.join(cwd, ".cache")},
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - start
    if stdin_path:
        stdin.close()
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss, wall, os.waitstatus_to_exitcode(status)


def input_bytes(folder):
    total = 0
    for dirpath, _, names in os.walk(folder):
        total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in names)
    return total


def main():
    args = sys.argv[1:]
    build = "--no-build" not in args
    scale = 1.0
    if "--scale" in args:
        scale = float(args[args.index("--scale") + 1])
        args.remove(args[args.index("--scale") + 1])
    global BINARY
    if "--binary" in args:
        BINARY = os.path.abspath(args[args.index("--binary") + 1])
        args.remove(args[args.index("--binary") + 1])
        build = False
    names = [a for a in args if not a.startswith("--")]
    if build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory(prefix="complexity.") as tmp:
        os.makedirs(f"{tmp}/empty/input")
        write(f"{tmp}/empty/input/a.yaml", record("a"))
        _, base_kb, _, _ = measure(["validate", "--input", f"{tmp}/empty/input", "-q"], None, f"{tmp}/empty")
        print(f"baseline peak memory {base_kb / 1024:.1f} MiB; limit {LIMIT:g}x from n to 8n")
        print(f"{'shape':<26}{'n':>8}{'bytes':>11}{'cpu s':>8}{'MiB':>8}  {'8n bytes':>10}{'cpu s':>8}{'MiB':>8}  time x  mem x")
        failed = []
        for name, n, shape in SHAPES:
            if names and name not in names:
                continue
            n = max(1, int(n * scale))
            figures = []
            for size in (n, 8 * n):
                d = f"{tmp}/{name}-{size}"
                os.makedirs(d)
                argv, stdin_path = shape(d, size)
                cpu, kb, wall, code = measure(argv, stdin_path, d)
                size_in = input_bytes(f"{d}/input")
                figures.append((size_in, cpu, kb, code))
                shutil.rmtree(d)
            (b1, t1, m1, c1), (b8, t8, m8, c8) = figures
            tx = t8 / max(t1, 0.01)
            mx = max(m8 - base_kb, 0) / max(m1 - base_kb, 1024)
            bad = []
            if t8 >= FLOOR_S and tx > LIMIT:
                bad.append("time")
            if m8 - base_kb >= FLOOR_KB and mx > LIMIT:
                bad.append("memory")
            if c1 not in (0, 1) or c8 not in (0, 1):
                bad.append(f"exit {c1}/{c8}")
            print(
                f"{name:<26}{n:>8}{b1:>11}{t1:>8.2f}{m1 / 1024:>8.1f}  {b8:>10}{t8:>8.2f}{m8 / 1024:>8.1f}"
                f"  {tx:>6.1f}{mx:>7.1f}  {'FAIL ' + ','.join(bad) if bad else 'ok'}",
                flush=True,
            )
            if bad:
                failed.append(name)
    if failed:
        print(f"complexity: {len(failed)} shape(s) grow faster than {LIMIT:g}x: {', '.join(failed)}")
        return 1
    print("complexity: every shape within the limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
