#!/usr/bin/env bash
# Checks invoicer-ledger against an implementation we did not write: Go's
# golang.org/x/mod/sumdb/{note,tlog} as shipped by Debian. The crate emits a
# log's keys, signed checkpoints, proofs and tiles; Go verifies and recomputes
# all of them, rejects tampered copies, and signs notes of its own that the
# crate must open. Prints one summary line; exits 0 only if both agree.
#
# Usage: scripts/ledger-check.sh [ENTRIES]   (default 5000)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
entries=${1:-5000}
gocode=/usr/share/gocode
work=$root/target/ledger-check
mkdir -p "$work"

missing=()
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[[ -d $gocode/src/golang.org/x/mod/sumdb/tlog ]] || missing+=(golang-golang-x-mod-dev)
if ((${#missing[@]})); then
    sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    echo "ledger-check: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
        { "${sudo[@]}" apt-get update >&2 &&
            "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
fi

# Offline, against Debian's copy of x/mod only: GOPATH mode, no proxy.
export GO111MODULE=off GOPATH=$gocode GOPROXY=off GOFLAGS= GOCACHE=$root/target/gocache
go build -o "$work/ledger-check" ./scripts/ledger-check/main.go

cargo run --quiet -p invoicer-ledger --example vectors -- "$entries" >"$work/vectors.json"

go_line=$("$work/ledger-check" "$work/vectors.json" "$work/go-notes.json") || {
    echo "$go_line"
    echo "ledger-check: FAILED, Go's sumdb disagrees with invoicer-ledger" >&2
    exit 1
}
rust_line=$(cargo run --quiet -p invoicer-ledger --example vectors -- open "$work/go-notes.json") || {
    echo "ledger-check: FAILED, invoicer-ledger rejects notes signed by Go" >&2
    exit 1
}

echo "ledger-check: OK ($entries entries): $go_line; invoicer-ledger $rust_line"
