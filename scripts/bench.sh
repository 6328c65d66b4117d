#!/usr/bin/env bash
# Benchmark modelgate on a realistic model repository (see docs/benchmarks.md).
#
#   scripts/bench.sh [DIR] [SCALE] [BIG_GB]
#
# DIR (default bench/, which git ignores) receives two generated trees,
# written once by scripts/bench_gen.py with /usr/bin/python3 (torch, numpy,
# joblib and scikit-learn; Debian: python3-torch python3-joblib
# python3-sklearn) and reused by later runs:
#   DIR/repo  a model repository of about 2.6 GB x SCALE (default 1): four
#             PyTorch zip checkpoints, a legacy checkpoint, a large joblib
#             dump with inline arrays, a compressed joblib dump, an .npy and
#             an .npz, thousands of small pickles, sources and configs;
#   DIR/big   one PyTorch zip checkpoint of BIG_GB GB (default 2).
# Free space is checked first (df); nothing is written when it is short.
#
# Then, with the page cache warmed (every file read once with cat):
#   1. naive baselines over DIR/repo, clearly not modelgate: `cat` of every
#      byte, and sha256sum of every file (what a scanner that hashes or
#      reads whole files pays at least);
#   2. `modelgate scan --stats` of DIR/repo, RUNS times (default 3), with
#      --jobs JOBS (default: all cores): wall time, CPU time, bytes read
#      (the process's rchar from /proc/self/io), peak RSS and files/s, each
#      run and min/median;
#   3. each file of DIR/repo/models scanned alone: bytes read and peak RSS;
#   4. the DIR/big checkpoint scanned alone: bytes read (target < 1 MB);
#   5. picklescan and modelscan over DIR/repo when they are on PATH.
# Environment: JOBS, RUNS; CLEAN=1 removes DIR/repo and DIR/big at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-bench}
scale=${2:-1}
big_gb=${3:-2}
runs=${RUNS:-3}
jobs=${JOBS:-$(nproc)}
py=/usr/bin/python3

need_gb=$($py -c "print(int(2.7 * $scale + $big_gb + 1))")
mkdir -p "$dir"
free_gb=$(df -BG --output=avail "$dir" | tail -1 | tr -dc 0-9)
for t in repo big; do
  if [ ! -f "$dir/$t/.complete" ]; then
    if [ "$free_gb" -lt "$need_gb" ]; then
      echo "bench: $free_gb GB free under $dir, $need_gb GB needed; use a smaller SCALE or BIG_GB" >&2
      exit 1
    fi
    echo "generating $dir/$t (takes a few minutes)..." >&2
    rm -rf "${dir:?}/$t"
    case $t in
      repo) $py scripts/bench_gen.py repo "$dir/repo" --scale "$scale" ;;
      big) $py scripts/bench_gen.py big "$dir/big" --gb "$big_gb" ;;
    esac
  fi
done

bin=$(mktemp -d)/modelgate
trap 'rm -rf "$(dirname "$bin")"' EXIT
CGO_ENABLED=0 go build -trimpath -o "$bin" .

echo "== machine"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
echo "memory: $(free -m | awk '/Mem:/{print $2}') MiB; kernel $(uname -r); $(go version | cut -d' ' -f3)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs may share this machine)"
echo "tree: $(du -sh "$dir/repo" | cut -f1), $(find "$dir/repo" -type f | wc -l) files; big: $(du -sh "$dir/big" | cut -f1)"

# Warm the page cache, then time the naive baselines.
find "$dir/repo" "$dir/big" -type f -exec cat {} + >/dev/null
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); $py -c "print(f'{$e - $s:.2f}')"; }
echo "== naive baselines over repo (not modelgate: they read every byte)"
echo "cat every file: $(secs sh -c "find '$dir/repo' -type f -exec cat {} + >/dev/null") s"
echo "sha256sum every file: $(secs sh -c "find '$dir/repo' -type f -exec sha256sum {} + >/dev/null") s"

# summarize reads "stats: {...}" lines on stdin and prints min/median.
summarize() {
  $py -c '
import json, statistics, sys
rows = [json.loads(l.split("stats: ", 1)[1]) for l in sys.stdin if l.startswith("stats: ")]
for r in rows:
    print("  run: wall %.3f s, cpu %.3f s (user %.3f, sys %.3f), read %.2f MB, peak RSS %.1f MB, %d files, %.0f files/s" % (
        r["wall_s"], r["user_s"] + r["sys_s"], r["user_s"], r["sys_s"], r["read_bytes"] / 1e6,
        r["peak_rss_bytes"] / 1e6, r["files"], r["files_per_s"]))
w = [r["wall_s"] for r in rows]
c = [r["user_s"] + r["sys_s"] for r in rows]
print("  wall min %.3f s, median %.3f s; cpu median %.3f s; read %.2f MB of %.2f GB; peak RSS max %.1f MB; files/s median %.0f" % (
    min(w), statistics.median(w), statistics.median(c), statistics.median(r["read_bytes"] for r in rows) / 1e6,
    rows[0]["file_bytes"] / 1e9, max(r["peak_rss_bytes"] for r in rows) / 1e6,
    statistics.median(r["files_per_s"] for r in rows)))
'
}
scan() { "$bin" scan --format json --fail-on none --output /dev/null --stats "$@" 2>&1 >/dev/null | grep '^stats:' || true; }

echo "== modelgate scan of repo, --jobs $jobs, $runs runs"
for _ in $(seq "$runs"); do scan --jobs "$jobs" "$dir/repo"; done | summarize
echo "== each model file alone"
for f in "$dir"/repo/models/*; do
  scan --jobs 1 "$f" | $py -c '
import json, os, sys
r = json.loads(sys.stdin.read().split("stats: ", 1)[1])
print("  %-28s %9.1f MB  read %8.3f MB  peak RSS %5.1f MB  %.3f s" % (
    os.path.basename(sys.argv[1]), r["file_bytes"] / 1e6, r["read_bytes"] / 1e6, r["peak_rss_bytes"] / 1e6, r["wall_s"]))
' "$f"
done
echo "== big checkpoint alone, $runs runs (target: read < 1 MB)"
for _ in $(seq "$runs"); do scan --jobs 1 "$dir"/big/*.pt; done | summarize
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== other scanners"
for other in picklescan modelscan; do
  if command -v "$other" >/dev/null; then
    echo "$other over repo: $(secs "$other" -p "$dir/repo") s"
  else
    echo "$other: not on PATH, skipped"
  fi
done

if [ "${CLEAN:-}" = 1 ]; then
  rm -rf "${dir:?}/repo" "${dir:?}/big"
fi
