#!/usr/bin/env bash
# Holds the server to its OpenAPI document: schemathesis, with every check, against the
# /openapi.json served by the real binary on a fresh SQLite file, for a bounded time, with
# derandomized generation (the same inputs every run). Any finding fails the run.
#
#   scripts/contract.sh [seconds]      (default 90; or CONTRACT_SECONDS)
#
# schemathesis (pinned below) is installed into a virtualenv under the cargo target directory
# on first use; python3 with venv and pip is all it needs. Per-operation allowances (400 for
# rules JSON Schema cannot state) are in scripts/contract.toml, each with its reason.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
seconds="${1:-${CONTRACT_SECONDS:-90}}"
schemathesis_version="4.32.5"

target="${CARGO_TARGET_DIR:-$repo/target}"
venv="$target/contract-venv"
if ! "$venv/bin/st" --version 2>/dev/null | grep -qF "$schemathesis_version"; then
    echo "contract: installing schemathesis $schemathesis_version into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

cargo build --quiet -p invoicer
bin="$target/debug/invoicer"

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

admin_token="contract-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
INVOICER_DATABASE_URL="sqlite://$work/contract.db?mode=rwc" \
INVOICER_ADMIN_TOKEN="$admin_token" \
INVOICER_LOG_FORMAT=json \
INVOICER_LOG="warn,invoicer=info" \
    "$bin" serve --listen 127.0.0.1:0 >"$work/stdout" 2>"$work/stderr" &
server=$!

# The bootstrap key is the first line on stdout; the address is in the "serving" log line.
base=""
for _ in $(seq 1 100); do
    base="$(grep -m1 '"message":"serving"' "$work/stderr" 2>/dev/null \
        | sed -E 's/.*"listen":"([^"]+)".*/http:\/\/\1/' || true)"
    [ -n "$base" ] && break
    if ! kill -0 "$server" 2>/dev/null; then
        echo "contract: the server exited before serving:" >&2
        cat "$work/stderr" >&2
        exit 1
    fi
    sleep 0.1
done
key="$(head -n1 "$work/stdout")"
if [ -z "$base" ] || [ "${key#inv_test_}" = "$key" ]; then
    echo "contract: the server did not start with a bootstrap key" >&2
    cat "$work/stderr" >&2
    exit 1
fi

echo "contract: schemathesis $schemathesis_version against $base/openapi.json, at most ${seconds}s"
set +e
# From the temp dir: schemathesis keeps state in its working directory. One worker: with two
# threads, hypothesis parses source (ast.parse) concurrently, and CPython before 3.11.8 and 3.12.1
# then fails at random with "SystemError: AST constructor recursion depth mismatch"
# (python/cpython#106905), which schemathesis reports as an error of the run.
(cd "$work" && CONTRACT_API_KEY="$key" CONTRACT_ADMIN_TOKEN="$admin_token" \
    "$venv/bin/st" --config-file "$repo/scripts/contract.toml" run "$base/openapi.json" \
    --checks all \
    --generation-deterministic \
    --max-time "$seconds" \
    --workers 1 \
    --no-color \
    >"$work/st.log" 2>&1)
status=$?
set -e
cat "$work/st.log"
if [ "$status" -ne 0 ]; then
    echo "contract: schemathesis found disagreements between the server and its document (exit $status)" >&2
    exit "$status"
fi
echo "contract: no disagreement found"
