#!/usr/bin/env bash
# `pipeline run` and `pipeline validate` side by side with `cp -r` of the same input folder,
# interleaved and repeated, so that a file system whose speed drifts during a session (as on
# the shared VM of BENCHMARKS.md) drifts for all three alike. Prints every run and the
# median of each, and the ratio of the medians.
#
#   benches/ratio.sh INPUT WORKDIR [REPEATS]    default: 5 repeats
#
# WORKDIR receives the copies and outputs (removed between repeats); put it on the same file
# system as INPUT for a fair comparison. `cp -r` does not flush what it wrote; `run` does
# (one `syncfs` before the outputs are switched in), so both are timed both ways: `cp -r`
# and `run --no-sync` (nothing flushed), `cp -r` followed by `sync` and `run` (everything
# flushed). PIPELINE_BIN=path measures another build; PIPELINE_ARGS adds arguments to `run`
# (e.g. "-j1").
#
# Where it may (as root), it drops the kernel's cached dentries and inodes before each
# repeat (`echo 2 > /proc/sys/vm/drop_caches`; file contents stay cached), so that the
# hundreds of thousands of names created and deleted by earlier repeats and runs do not slow
# the later ones down: on tmpfs they made every file operation slower as a session went on.
# DROP_CACHES=0 turns it off.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
input=$1 work=$2 repeats=${3:-5}
target=${CARGO_TARGET_DIR:-target}
bin=${PIPELINE_BIN:-$target/release/pipeline}
[[ -n ${PIPELINE_BIN:-} ]] || cargo build --release --quiet --bin pipeline
mkdir -p "$work"
n=$(find "$input" -name '*.yaml' ! -name '_*' | wc -l)
echo "input: $input ($n files), work: $work, binary: $bin $(git rev-parse --short HEAD 2>/dev/null)"
echo "machine: $(nproc) cores, $(uname -srm), $(df -T "$work" | awk 'NR==2{print $2}') file system"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
find "$input" -type f -exec cat {} + >/dev/null # warm the page cache

seconds() { # command... → wall seconds
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
declare -a cp_t cps_t run_t runns_t val_t
drop=0
if [[ ${DROP_CACHES:-1} != 0 && -w /proc/sys/vm/drop_caches ]]; then
  drop=1
  echo "dropping cached dentries and inodes before each repeat"
fi
for ((i = 0; i < repeats; i++)); do
  rm -rf "$work/copy" "$work/out"; sync
  if ((drop)); then echo 2 >/proc/sys/vm/drop_caches; fi
  cp_t+=("$(seconds cp -r "$input" "$work/copy")")
  rm -rf "$work/copy"; sync
  cps_t+=("$(seconds sh -c "cp -r '$input' '$work/copy' && sync")")
  rm -rf "$work/copy"; sync
  # shellcheck disable=SC2086
  run_t+=("$(seconds "$bin" run -q ${PIPELINE_ARGS:-} --input "$input" --output "$work/out")")
  rm -rf "$work/out"; sync
  # shellcheck disable=SC2086
  runns_t+=("$(seconds "$bin" run -q --no-sync ${PIPELINE_ARGS:-} --input "$input" --output "$work/out")")
  rm -rf "$work/out"; sync
  val_t+=("$(seconds "$bin" validate -q --input "$input")")
  printf 'repeat %d: cp -r %.2f s, cp -r + sync %.2f s, run %.2f s, run --no-sync %.2f s, validate %.2f s\n' \
    "$((i + 1))" "${cp_t[i]}" "${cps_t[i]}" "${run_t[i]}" "${runns_t[i]}" "${val_t[i]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
cp_m=$(median "${cp_t[@]}") cps_m=$(median "${cps_t[@]}") run_m=$(median "${run_t[@]}")
runns_m=$(median "${runns_t[@]}") val_m=$(median "${val_t[@]}")
printf 'median: cp -r %.2f s, cp -r + sync %.2f s, run %.2f s (%.0f records/s), run --no-sync %.2f s (%.0f records/s), validate %.2f s (%.0f records/s)\n' \
  "$cp_m" "$cps_m" "$run_m" "$(echo "$n / $run_m" | bc -l)" "$runns_m" "$(echo "$n / $runns_m" | bc -l)" \
  "$val_m" "$(echo "$n / $val_m" | bc -l)"
printf 'run --no-sync / cp -r = %.2f, run / (cp -r + sync) = %.2f, validate / cp -r = %.2f\n' \
  "$(echo "$runns_m / $cp_m" | bc -l)" "$(echo "$run_m / $cps_m" | bc -l)" "$(echo "$val_m / $cp_m" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$work/copy" "$work/out"
