#!/usr/bin/env bash
# Load benchmark: invoice creation over HTTP, beside store-only creation and raw commits.
# Arguments go to the tool, e.g. `scripts/load.sh --seconds 10 --only sqlite`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release -q -p invoicer-load -- "$@"
