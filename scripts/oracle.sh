#!/usr/bin/env bash
# The oracle's long mode (docs/oracle.md): builds modelgate from this tree,
# then generates candidates for N minutes from seed S, scans each with the
# engine and loads it with the real loaders inside the sandbox
# (oracle/sandbox.sh; needs root and Debian's python3 packages, see
# oracle/deps.sh). Disagreements are minimised and written to OUT with the
# oracle's record (default: a new temporary folder). The last line is "N candidates, B bypasses, F false alarms".
# Usage: scripts/oracle.sh --minutes N --seed S [--out DIR] [--count N]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="" seed="" out="" count=""
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    *) echo "usage: scripts/oracle.sh --minutes N --seed S [--out DIR] [--count N]" >&2; exit 2 ;;
  esac
done
if [ -z "$seed" ] || { [ -z "$minutes" ] && [ -z "$count" ]; }; then
  echo "usage: scripts/oracle.sh --minutes N --seed S [--out DIR] [--count N]" >&2; exit 2
fi
./oracle/deps.sh check
out=${out:-$(mktemp -d)/oracle-seed-$seed}
mkdir -p "$out"
echo "oracle: disagreements and their records go to $out" >&2
bin=$(mktemp -d)/modelgate
go build -o "$bin" .
args=(--binary "$bin" --seed "$seed" --out "$out")
[ -n "$minutes" ] && args+=(--minutes "$minutes")
[ -n "$count" ] && args+=(--count "$count")
exec /usr/bin/python3 oracle/run.py "${args[@]}"
