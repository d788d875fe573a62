#!/usr/bin/env bash
# Fuzzes the UBL validator (invoicer_einvoice::validate) with cargo-fuzz for a bounded time.
#
#   scripts/fuzz-validator.sh [seconds]      (default 60; or FUZZ_SECONDS)
#
# Needs a nightly toolchain (libFuzzer instrumentation) and cargo-fuzz, which it installs when
# missing. The seed corpus is the official UBL example corpus beside the repository
# (../shared/corpus/ubl). Crashes are written to fuzz/artifacts/validate/.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-${FUZZ_SECONDS:-60}}"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    if ! rustup toolchain install nightly --profile minimal; then
        echo "fuzz-validator: no nightly Rust toolchain is installed and none could be installed;" >&2
        echo "cargo-fuzz needs nightly (libFuzzer instrumentation). Install one with" >&2
        echo "'rustup toolchain install nightly' and run this script again." >&2
        exit 2
    fi
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-validator: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

seeds="$repo/fuzz/corpus/validate"
mkdir -p "$seeds"
corpus="$repo/../shared/corpus/ubl"
if [ -d "$corpus" ]; then
    find "$corpus" -name '*.xml' -o -name '*.XML' | while read -r file; do
        cp "$file" "$seeds/$(basename "$file" | tr ' ' '_')"
    done
else
    echo "fuzz-validator: seed corpus $corpus not found; starting from an empty corpus" >&2
fi

cd "$repo/fuzz"
exec cargo +nightly fuzz run validate "$seeds" -- \
    -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048
