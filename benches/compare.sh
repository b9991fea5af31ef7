#!/usr/bin/env bash
# Two builds of `pipeline` side by side on the same catalogue, interleaved (A, B, A, B, ...)
# so that a machine whose speed drifts drifts for both alike: `run` into a new output folder
# (a clean run), `run` again over its own output (an incremental run), and `validate`.
# Prints every time and the medians, and checks that both builds wrote the same bytes.
#
#   benches/compare.sh OLD_BIN NEW_BIN INPUT WORKDIR [REPEATS]    default: 5 repeats
set -euo pipefail
old=$1 new=$2 input=$3 work=$4 repeats=${5:-5}
mkdir -p "$work"
n=$(find "$input" -name '*.yaml' ! -name '_*' | wc -l)
echo "input: $input ($n files), old: $old, new: $new"
echo "machine: $(nproc) cores, $(uname -srm), $(df -T "$work" | awk 'NR==2{print $2}') file system"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
find "$input" -type f -exec cat {} + >/dev/null # warm the page cache
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
declare -A times
for ((i = 1; i <= repeats; i++)); do
  for which in old new; do
    bin=${!which} out=$work/out-$which
    rm -rf "$out"
    c=$(seconds "$bin" run -q --no-sync --input "$input" --output "$out")
    r=$(seconds "$bin" run -q --no-sync --input "$input" --output "$out")
    v=$(seconds "$bin" validate -q --input "$input")
    printf '%s repeat %d: run %.2f s, run again %.2f s, validate %.2f s\n' "$which" "$i" "$c" "$r" "$v"
    times[$which-run]+="$c " times[$which-again]+="$r " times[$which-validate]+="$v "
  done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for what in run again validate; do
  o=$(echo "${times[old-$what]}" | median) n=$(echo "${times[new-$what]}" | median)
  printf '%-8s median old %.2f s, new %.2f s, new/old %.3f\n' "$what" "$o" "$n" "$(echo "$n / $o" | bc -l)"
done
for f in records.csv records.jsonld; do cmp "$work/out-old/$f" "$work/out-new/$f"; done
diff -r "$work/out-old/dc" "$work/out-new/dc" >/dev/null && echo "exports: byte-identical"
