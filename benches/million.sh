#!/usr/bin/env bash
# Peak memory and time of `validate` and `run` over a million records, as one file per record
# and as one `---` stream, next to `cp -r` of the same folder.
#
#   benches/million.sh WORKDIR [N]     default N: 1000000
#
# WORKDIR needs ~2 GB for the two catalogues and ~6 GB for the outputs (more where a small
# file takes a 4 KiB block). On tmpfs, mount it with enough inodes: the catalogue, the
# outputs and a re-run's hard links to unchanged Dublin Core files take ~4.2 inodes per
# record (`mount -t tmpfs -o size=20g,nr_inodes=8000000 tmpfs WORKDIR`).
# PIPELINE_BIN=path measures another build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$1 n=${2:-1000000}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin pipeline --example generate
bin=${PIPELINE_BIN:-$target/release/pipeline}
mkdir -p "$work"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -srm), $(df -T "$work" | awk 'NR==2{print $2}') file system"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), binary: $bin $(git rev-parse --short HEAD 2>/dev/null)"

measure() { # label command...
  local label=$1 log
  shift
  log=$(mktemp)
  if /usr/bin/time -o "$log" -f "%e s wall, %U s user, %S s sys, peak %M KiB" "$@" >/dev/null 2>&1; then
    echo "$label: $(cat "$log") (load $(cut -d' ' -f1-3 /proc/loadavg))"
  else
    echo "$label: FAILED ($(cat "$log"))"
  fi
  rm -f "$log"
}

files=$work/files-$n stream=$work/stream-$n
[[ -d $files ]] || $target/release/examples/generate "$n" "$files"
[[ -d $stream ]] || $target/release/examples/generate "$n" "$stream" --stream
du -sh --apparent-size "$files" "$stream"
measure "cp -r, files" cp -r "$files" "$work/copy"
rm -rf "$work/copy"
measure "validate, files" "$bin" validate -q --input "$files"
measure "validate -j1, files" "$bin" validate -q -j1 --input "$files"
measure "validate, stream" "$bin" validate -q --input "$stream"
measure "run, files" "$bin" run -q --input "$files" --output "$work/out-files"
measure "run again, files" "$bin" run -q --input "$files" --output "$work/out-files"
du -sh "$work/out-files/.cache"
rm -rf "$work/out-files"
measure "run, stream" "$bin" run -q --input "$stream" --output "$work/out-stream"
rm -rf "$work/out-stream"
