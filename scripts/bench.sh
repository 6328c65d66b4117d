#!/usr/bin/env bash
# Benchmark a full scan of a realistic model repository.
#
#   scripts/bench.sh [DIR] [SCALE]
#
# DIR (default bench/repo) is generated on first use with
# scripts/bench_gen.py (needs /usr/bin/python3 with torch, numpy, joblib and
# scikit-learn: apt-get install python3-torch python3-joblib python3-sklearn);
# SCALE 1 writes about 2.5 GB. The page cache is warmed first, then the scan
# runs three times and each run reports wall time, CPU time, bytes read
# (the process's own rchar from /proc/self/io), peak resident memory and
# files per second, as printed by `modelgate scan --stats`. When picklescan
# or modelscan is on PATH, it is run over the same tree and the ratio shown.
# Results are for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-bench/repo}
scale=${2:-1}
if [ ! -d "$dir" ]; then
  echo "generating $dir (scale $scale)..." >&2
  /usr/bin/python3 scripts/bench_gen.py "$dir" --scale "$scale"
fi
bin=$(mktemp -d)/modelgate
CGO_ENABLED=0 go build -trimpath -o "$bin" .
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr), $(go version | cut -d' ' -f3)"
echo "tree: $(du -sh "$dir" | cut -f1), $(find "$dir" -type f | wc -l) files"
find "$dir" -type f -exec cat {} + > /dev/null   # warm page cache
for i in 1 2 3; do
  "$bin" scan --format json --fail-on none --output /dev/null --stats "$dir" 2>&1 >/dev/null | grep '^stats:' || true
done
for other in picklescan modelscan; do
  if command -v "$other" >/dev/null; then
    start=$(date +%s.%N)
    case $other in
      picklescan) picklescan -p "$dir" >/dev/null 2>&1 || true ;;
      modelscan) modelscan -p "$dir" >/dev/null 2>&1 || true ;;
    esac
    end=$(date +%s.%N)
    echo "$other: wall $(echo "$end - $start" | bc) s"
  else
    echo "$other: not installed, skipped"
  fi
done
