package scan

import (
	"fmt"
	"testing"
)

func TestParseShard(t *testing.T) {
	for _, bad := range []string{"", "1", "0/3", "4/3", "1/0", "a/b", "1/3x", "-1/3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) succeeded", bad)
		}
	}
	if sh, err := ParseShard("2/3"); err != nil || sh != (Shard{2, 3}) {
		t.Errorf("ParseShard(2/3) = %v, %v", sh, err)
	}
}

func TestShardCoversEveryFileOnce(t *testing.T) {
	var targets []target
	for i := range 100 {
		targets = append(targets, target{rel: fmt.Sprintf("f%03d", i), size: int64((i * 7919) % 1000)})
	}
	for _, n := range []int{1, 2, 3, 7} {
		seen := map[string]int{}
		var loads []int64
		for k := 1; k <= n; k++ {
			var load int64
			for _, tg := range (Shard{k, n}).pick(targets) {
				seen[tg.rel]++
				load += tg.size
			}
			loads = append(loads, load)
		}
		for _, tg := range targets {
			if seen[tg.rel] != 1 {
				t.Errorf("n=%d: %s in %d shards", n, tg.rel, seen[tg.rel])
			}
		}
		lo, hi := loads[0], loads[0]
		for _, l := range loads {
			lo, hi = min(lo, l), max(hi, l)
		}
		if hi-lo > 1000 { // at most one file's size apart
			t.Errorf("n=%d: unbalanced loads %v", n, loads)
		}
	}
}
