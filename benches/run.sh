#!/usr/bin/env bash
# Throughput and peak memory of the whole program on synthetic catalogues, next to `cp -r` of
# the same input folder (the floor: reading every byte once and writing it once).
#
#   benches/run.sh [N ...]        default: 10000 100000
#
# For each N it generates N records (examples/generate.rs, deterministic), then reports wall
# time, records/s and peak RSS (from /usr/bin/time -v) for: cp -r, `pipeline validate`, and
# `pipeline run` with 1 thread and with all threads, `run` again over its own output, and
# `validate` of one file against the whole catalogue (outline cache cold, then warm). The
# page cache is warmed first by one untimed read. Record the figures with the machine and date in BENCHMARKS.md.
# PIPELINE_BIN=path measures another build (e.g. the previous commit's) in the same session;
# BENCH_DIR=dir keeps the generated catalogues between calls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(10000 100000)

cargo build --release --quiet --bin pipeline --example generate
target=${CARGO_TARGET_DIR:-target}
bin=${PIPELINE_BIN:-$target/release/pipeline}
work=${BENCH_DIR:-$(mktemp -d)}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm)"
echo "date: $(date -u +%Y-%m-%d), load average: $(cut -d' ' -f1-3 /proc/loadavg), binary: $bin"
printf '%-10s %-26s %9s %12s %10s\n' records command seconds records/s peak_MiB

measure() { # label N command...
  local label=$1 n=$2; shift 2
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { tail -5 "$log"; return 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$log")
  printf '%-10s %-26s %9.2f %12.0f %10.1f\n' "$n" "$label" "$wall" "$(echo "$n / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
  rm -f "$log"
}

for n in "${sizes[@]}"; do
  input=$work/in-$n
  [[ -d $input ]] || $target/release/examples/generate "$n" "$input"
  find "$input" -type f -exec cat {} + >/dev/null  # warm the page cache
  rm -rf "$work/copy"
  measure "cp -r" "$n" cp -r "$input" "$work/copy"
  measure "pipeline validate" "$n" "$bin" validate -q --input "$input"
  measure "pipeline run -j1" "$n" "$bin" run -q -j1 --input "$input" --output "$work/out1"
  measure "pipeline run" "$n" "$bin" run -q --input "$input" --output "$work/out"
  # The same run again over its own output (incremental cache, unchanged DC files linked).
  measure "pipeline run (again)" "$n" "$bin" run -q --input "$input" --output "$work/out"
  # One file checked against the whole catalogue: first (outline cache empty), then again.
  one=$(find "$input" -name '*.yaml' ! -name '_*' | sort | sed -n '42p')
  rm -rf "$work/cache"
  PIPELINE_CACHE_DIR=$work/cache measure "validate 1 file (cold)" "$n" "$bin" validate -q --input "$input" "$one"
  PIPELINE_CACHE_DIR=$work/cache measure "validate 1 file (warm)" "$n" "$bin" validate -q --input "$input" "$one"
  rm -rf "$work/copy" "$work/out1" "$work/out"
  echo "load average after N=$n: $(cut -d' ' -f1-3 /proc/loadavg)"
done
