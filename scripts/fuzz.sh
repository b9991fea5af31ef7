#!/usr/bin/env bash
# Fuzz the YAML reader (with record validation), the fast YAML front end against saphyr, the
# date normalizer and the name normalizer.
#   scripts/fuzz.sh [SECONDS]   seconds per cargo-fuzz target (default 60)
# With cargo-fuzz and a nightly toolchain: each target of fuzz/ runs for SECONDS, seeded
# from tests/fixtures/hostile and input/. Without them (the stable toolchain only): says so,
# and runs the stable fallback instead, the same four entry points on FUZZ_ITERATIONS
# (default 300,000) mutated inputs each, in a release build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:-60}

if cargo +nightly fuzz --version >/dev/null 2>&1; then
  corpus=$(mktemp -d)
  trap 'rm -rf "$corpus"' EXIT
  cp tests/fixtures/hostile/* input/*.yaml "$corpus"/
  for target in read_record fast_yaml normalize_date resolve_agent; do
    echo "== cargo fuzz: $target for ${seconds}s"
    (cd fuzz && cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536)
  done
else
  echo "note: cargo-fuzz with a nightly toolchain is not available here (cargo install cargo-fuzz;"
  echo "      rustup toolchain install nightly). Building the same targets with stable cargo: they"
  echo "      run under libFuzzer's driver without coverage instrumentation (random mutation, no"
  echo "      feedback), which still catches panics, hangs and memory blow-ups."
  (cd fuzz && cargo build --release --quiet)
  corpus=$(mktemp -d)
  trap 'rm -rf "$corpus"' EXIT
  cp tests/fixtures/hostile/* input/*.yaml "$corpus"/
  for target in read_record fast_yaml normalize_date resolve_agent; do
    echo "== $target (uninstrumented) for ${seconds}s"
    fuzz/target/release/$target "$corpus" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 2>&1 | tail -n 2
  done
fi

echo "== stable fallback: ${FUZZ_ITERATIONS:=300000} inputs per entry point"
FUZZ_ITERATIONS=$FUZZ_ITERATIONS cargo test --release --test hostile fuzz_smoke -- --nocapture
