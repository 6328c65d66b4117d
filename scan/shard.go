package scan

import (
	"fmt"
	"sort"
)

// Shard selects part K (1-based) of N of the files: a deterministic split
// balanced by bytes, so N jobs of a workflow matrix cover every file
// exactly once in about the same time.
type Shard struct{ K, N int }

// ParseShard parses "K/N".
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.K, &sh.N); err != nil || fmt.Sprintf("%d/%d", sh.K, sh.N) != s {
		return Shard{}, fmt.Errorf("shard %q: want K/N, e.g. 1/3", s)
	}
	if sh.N < 1 || sh.K < 1 || sh.K > sh.N {
		return Shard{}, fmt.Errorf("shard %q: want 1 <= K <= N", s)
	}
	return sh, nil
}

// String returns "K/N".
func (sh Shard) String() string { return fmt.Sprintf("%d/%d", sh.K, sh.N) }

// pick keeps the targets of this shard, in their original order. Files
// are dealt largest first to the shard with the fewest bytes so far (the
// lowest-numbered on ties); equal sizes are ordered by path.
func (sh Shard) pick(targets []target) []target {
	if sh.N <= 1 {
		return targets
	}
	order := make([]int, len(targets))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ta, tb := targets[order[a]], targets[order[b]]
		if ta.size != tb.size {
			return ta.size > tb.size
		}
		return ta.rel < tb.rel
	})
	load := make([]int64, sh.N)
	mine := make([]bool, len(targets))
	for _, i := range order {
		best := 0
		for s := 1; s < sh.N; s++ {
			if load[s] < load[best] {
				best = s
			}
		}
		load[best] += max(targets[i].size, 1)
		mine[i] = best == sh.K-1
	}
	var out []target
	for i, t := range targets {
		if mine[i] {
			out = append(out, t)
		}
	}
	return out
}
