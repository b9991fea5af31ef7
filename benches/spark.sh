#!/usr/bin/env bash
# The Spark job (examples/spark/pipeline_job.py) in local[2] mode against `pipeline run` on the
# same machine, interleaved, on catalogues made by the Spark test's generator:
#
#   benches/spark.sh [RECORDS...]          (default: 0 3000 20000; 3 repeats each, medians)
#
# Needs the release binary and pyspark (see .ci/run: $XDG_CACHE_HOME/pipeline-spark). Prints
# one line per size: run seconds, Spark seconds, and their difference per record, from which
# BENCHMARKS.md takes the fixed cost (0 records) and the cost per record of the pipe.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=${XDG_CACHE_HOME:-$HOME/.cache}/pipeline-spark
root=$PWD
bin=$root/target/release/pipeline
repeats=${REPEATS:-3}
sizes=("$@"); ((${#sizes[@]})) || sizes=(0 3000 20000)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; echo "$(date +%s.%N) - $s" | bc; }
printf '%8s %10s %10s %16s\n' records run_s spark_s extra_ms_per_rec
for n in "${sizes[@]}"; do
  dir=$work/n$n; mkdir -p "$dir"
  (cd "$dir" && PYTHONPATH="$root/tests/spark" "$venv/bin/python" -c "
import sys, test_spark_job as t
from pathlib import Path
t.RECORDS = int(sys.argv[1]); t.catalogue(Path('cat'))" "$n")
  runs=(); sparks=()
  for ((i = 0; i < repeats; i++)); do
    rm -rf "$dir/o1" "$dir/o2"
    runs+=("$(cd "$dir" && seconds "$bin" run -q --no-sync --input cat --output o1)")
    sparks+=("$(cd "$dir" && seconds env PATH="$venv/bin:$PATH" spark-submit --master 'local[2]' \
      "$root/examples/spark/pipeline_job.py" --input cat --output o2 --pipeline "$bin" --partitions 4)")
  done
  r=$(printf '%s\n' "${runs[@]}" | median); s=$(printf '%s\n' "${sparks[@]}" | median)
  per=$( ((n > 0)) && echo "scale=3; ($s - $r) * 1000 / $n" | bc || echo -)
  printf '%8s %10.2f %10.2f %16s\n' "$n" "$r" "$s" "$per"
done
