#!/usr/bin/env bash
# Compares the CPU cost of two revisions of modelgate on the trees that
# scripts/bench.sh generates (docs/benchmarks.md, docs/knowledge.md "Cost").
#
#   scripts/bench_compare.sh BASE_REV [DIR] [RUNS]
#
# Builds BASE_REV and the work tree, then scans DIR/repo (--jobs 1) and
# DIR/big alone (20 scans a measure), RUNS times each (default 15), the two binaries taking
# turns so that load from other work falls on both alike. CPU time (user +
# system, from /usr/bin/time) is the figure: on a shared machine wall time
# is noise. Prints the median and minimum of each and the ratio of the
# medians; the last line is "repo +X.X %, big +Y.Y %".
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: scripts/bench_compare.sh BASE_REV [DIR] [RUNS]}
dir=${2:-bench}
runs=${3:-15}
for t in repo big; do
  if [ ! -f "$dir/$t/.complete" ]; then
    echo "bench_compare: $dir/$t missing; run scripts/bench.sh $dir first" >&2
    exit 1
  fi
done
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/base" "$base"
(cd "$tmp/base" && CGO_ENABLED=0 go build -trimpath -o "$tmp/mg-base" .)
CGO_ENABLED=0 go build -trimpath -o "$tmp/mg-head" .
find "$dir/repo" "$dir/big" -type f -exec cat {} + >/dev/null # warm the page cache

cpu() { # prints user+sys seconds of one scan
  /usr/bin/time -f "%U %S" -o "$tmp/t" "$@" >/dev/null 2>&1 || true
  awk '{printf "%.3f\n", $1 + $2}' "$tmp/t"
}
for i in $(seq "$runs"); do
  for b in base head; do
    cpu "$tmp/mg-$b" scan --jobs 1 --format json --fail-on none "$dir/repo" >>"$tmp/repo-$b"
    # the big checkpoint takes milliseconds: 20 scans a measure
    cpu sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do "$0" scan --format json --fail-on none "$1"; done' "$tmp/mg-$b" "$dir/big" >>"$tmp/big-$b"
  done
done
stat() { sort -n "$1" | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f %.3f\n", m, a[1]}'; }
echo "base $base, head $(git rev-parse --short HEAD)$(git diff --quiet || echo +changes), $runs runs each, CPU seconds (user+sys)"
line=""
for t in repo big; do
  read -r mb nb < <(stat "$tmp/$t-base")
  read -r mh nh < <(stat "$tmp/$t-head")
  pct=$(awk -v a="$mb" -v b="$mh" 'BEGIN { if (a > 0) printf "%+.1f", (b - a) / a * 100; else print "n/a" }')
  echo "$t: base median $mb min $nb; head median $mh min $nh; $pct %"
  line="$line${line:+, }$t $pct %"
done
echo "$line"
