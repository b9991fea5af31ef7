"""Validate and export a catalogue on Apache Spark with `pipeline`.

    spark-submit examples/spark/pipeline_job.py --input CATALOGUE --output OUT \
        [--pipeline PATH] [--partitions N] [--base-iri IRI] [--findings-json FILE]

What it does, and why each step is where it is:

1. The driver lists the record files with `pipeline files --input CATALOGUE`: named as
   `pipeline validate --input CATALOGUE` names them, skipping what it skips, following links
   only inside the catalogue and reporting a link out of it (Y009) or a FIFO (Y001) instead
   of listing it. Spark spreads the list over its partitions. Each executor
   reads its files' bytes itself, so bytes that are not UTF-8 reach `pipeline` unchanged and
   get the finding `validate` gives them. (Spark's own `binaryFiles` reads through Hadoop's
   file system layer: ~10 ms per small file here, 70 s for 3,000 records, so it is not used.)
2. Each partition is piped through one `pipeline convert --from files-jsonl --to shard`
   process on an executor, with the authority file shipped to the executors
   (`SparkContext.addFile`, like `spark-submit --files`). It writes the partition's exports
   as a shard folder, its findings as JSON lines and each document's outline.
3. The driver runs `pipeline check-outlines` over every partition's outlines: unique ids,
   ids matching file names, `related` and `collections` that resolve, name variants. With
   the per-record findings of step 2 these are the findings `pipeline validate` gives.
4. Like `pipeline run`, nothing is published when any error was found (exit 1). Otherwise
   `pipeline merge` combines the shard folders into OUT: byte for byte what `pipeline run`
   writes (the CSV and JSON-LD in id order, one Dublin Core file per record), switched in
   atomically.

The shard folders are written beside OUT, in OUT.spark-shards/, by the executors (not inside
OUT: `pipeline merge` publishes only into a folder that is new, empty or its own), so on a
cluster OUT's parent must be on a file system every executor and the driver can reach (NFS, a
mounted object store); README "More than one machine" says what changes there.

Exit codes, as `pipeline run`: 0 published, 1 invalid records (nothing published), 2 the job
could not run.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

from pyspark import SparkFiles
from pyspark.sql import SparkSession

SHARDS = ".spark-shards"  # the suffix of the shards folder beside OUT


def file_line(name, data):
    """A `--from files-jsonl` line: the file's name and its exact bytes."""
    return json.dumps({"file": name, "base64": base64.b64encode(data).decode("ascii")}) + "\n"


def convert_partition(index, files, settings):
    """Run one `pipeline convert` over a partition's (name, path) pairs, streaming the
    files to it; yield the part's findings and where its shard and outlines are."""
    pipeline = SparkFiles.get(os.path.basename(settings["pipeline"]))
    shard = os.path.join(settings["shards"], "part-%05d" % index)
    outlines = shard + ".outlines"
    command = [
        pipeline, "convert", "--from", "files-jsonl", "--to", "shard",
        "--output", shard, "--part", "%d/%d" % (index, settings["parts"]),
        "--findings", "json", "--outlines", outlines, "--base-iri", settings["base_iri"],
        "-j", "1", "-q",
    ]
    for option in ("authorities", "collections"):
        if settings[option]:
            command += ["--" + option, SparkFiles.get(os.path.basename(settings[option]))]
    # Findings go to a file, so a part with many findings cannot block on a full pipe
    # while its input is still being written.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=errors)
        for name, path in files:
            with open(path, "rb") as f:
                process.stdin.write(file_line(name, f.read()).encode("utf-8"))
        process.stdin.close()
        code = process.wait()
        errors.seek(0)
        text = errors.read().decode("utf-8")
    if code not in (0, 1):
        raise RuntimeError("pipeline convert failed on part %d: %s" % (index, text))
    findings = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    yield {"part": index, "findings": findings, "shard": shard, "outlines": outlines}


def record_files(pipeline, given):
    """(name, absolute path) of every record file of the catalogue `given` (the --input as
    written), as `pipeline files` lists them, and the findings of the walk."""
    done = subprocess.run([pipeline, "files", "--input", given, "-0", "--findings", "json"],
                          capture_output=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError("pipeline files failed: %s" % done.stderr.decode())
    names = [n.decode("utf-8", "surrogateescape") for n in done.stdout.split(b"\0") if n]
    findings = [json.loads(l) for l in done.stderr.decode("utf-8").splitlines() if l.startswith("{")]
    return [(name, os.path.abspath(name)) for name in names], findings


def sort_key(f):
    return (f["file"], f["line"] or 0, f["column"] or 0, f["code"], f["message"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="the catalogue folder")
    parser.add_argument("--output", required=True, help="where the exports are published")
    parser.add_argument("--pipeline", default=shutil.which("pipeline") or "pipeline",
                        help="the pipeline binary, shipped to the executors")
    parser.add_argument("--partitions", type=int, default=None, help="at least this many parts")
    parser.add_argument("--base-iri", default="https://example.org/catalogue/")
    parser.add_argument("--findings-json", help="also write every finding here (JSON, version 1)")
    args = parser.parse_args(argv)

    root = os.path.abspath(args.input)
    if not os.path.isdir(root):
        print("pipeline_job: %s is not a folder" % args.input, file=sys.stderr)
        return 2
    shards = os.path.abspath(args.output).rstrip(os.sep) + SHARDS
    shutil.rmtree(shards, ignore_errors=True)
    os.makedirs(shards)

    spark = SparkSession.builder.appName("pipeline").getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    settings = {
        "pipeline": os.path.abspath(args.pipeline),
        "shards": shards,
        "base_iri": args.base_iri,
        "authorities": None,
        "collections": None,
    }
    sc.addFile(settings["pipeline"])
    listed, findings = record_files(settings["pipeline"], args.input)
    refused = {f["file"] for f in findings}
    for option, name in (("authorities", "_authorities.yaml"), ("collections", "_collections.yaml")):
        # One that `pipeline files` refused (a link out, a FIFO) is never read.
        path = os.path.join(root, name)
        if os.path.isfile(path) and os.path.join(args.input, name) not in refused:
            settings[option] = path
            sc.addFile(path)

    parts_wanted = args.partitions or sc.defaultParallelism
    files = sc.parallelize(listed, max(1, min(parts_wanted, len(listed))))
    settings["parts"] = files.getNumPartitions()
    parts = files.mapPartitionsWithIndex(
        lambda i, it: convert_partition(i, it, settings)).collect()
    parts.sort(key=lambda p: p["part"])
    findings += [f for p in parts for f in p["findings"]]

    # The checks across records, over every part's outlines, on the driver.
    command = [settings["pipeline"], "check-outlines", "--format", "json", "-q"]
    for option in ("authorities", "collections"):
        if settings[option]:
            command += ["--" + option, settings[option]]
    command += [p["outlines"] for p in parts]
    checked = subprocess.run(command, capture_output=True, check=False)
    if checked.returncode not in (0, 1):
        print("pipeline_job: check-outlines failed: %s" % checked.stderr.decode(), file=sys.stderr)
        return 2
    findings += json.loads(checked.stdout)["findings"]
    # The authority and collections files' own findings are reported by both steps: once.
    unique = {json.dumps(f, sort_keys=True): f for f in findings}
    findings = sorted(unique.values(), key=sort_key)

    errors = sum(1 for f in findings if f["severity"] == "error")
    for f in findings:
        where = f["file"] + ("" if f["line"] is None else ":%d:%d" % (f["line"], f["column"]))
        print("%s: %s[%s]: %s" % (where, f["severity"], f["code"], f["message"]), file=sys.stderr)
        if f["help"]:
            print("  help: %s" % f["help"], file=sys.stderr)
    if args.findings_json:
        with open(args.findings_json, "w", encoding="utf-8") as out:
            json.dump({"version": 1, "findings": findings}, out, ensure_ascii=False, indent=2)
    spark.stop()

    if errors:
        shutil.rmtree(shards, ignore_errors=True)
        print("pipeline_job: %d errors; nothing was published" % errors, file=sys.stderr)
        return 1
    merged = subprocess.run(
        [settings["pipeline"], "merge", "--output", args.output]
        + [p["shard"] for p in parts], capture_output=True, check=False)
    shutil.rmtree(shards, ignore_errors=True)
    if merged.returncode != 0:
        print("pipeline_job: merge failed: %s" % merged.stderr.decode(), file=sys.stderr)
        return 2
    print("pipeline_job: %d parts merged into %s; %d warnings"
          % (len(parts), args.output, len(findings)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
