package changes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/modelgate/modelgate/internal/testtree"
)

// benchRepo is a packed repository of 20000 files in 200 folders whose
// last commit changed 100 of them, settled as after a checkout.
func benchRepo(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	testtree.Git(b, dir, "init", "-q", "-b", "main")
	testtree.Git(b, dir, "config", "gc.auto", "0") // gc below, not in the background
	for d := 0; d < 200; d++ {
		folder := filepath.Join(dir, fmt.Sprintf("models/group%03d", d))
		if err := os.MkdirAll(folder, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := 0; f < 100; f++ {
			if err := os.WriteFile(filepath.Join(folder, fmt.Sprintf("part%03d.pkl", f)), []byte(fmt.Sprintf("%d/%d", d, f)), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	testtree.Git(b, dir, "add", "-A")
	testtree.Git(b, dir, "commit", "-qm", "base")
	for d := 0; d < 100; d++ {
		p := filepath.Join(dir, fmt.Sprintf("models/group%03d/part000.pkl", d*2))
		if err := os.WriteFile(p, []byte("changed"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	testtree.Git(b, dir, "commit", "-qam", "pull request")
	testtree.Git(b, dir, "gc", "-q")
	testtree.Settle(b, dir)
	return dir
}

// BenchmarkSince compares git diff with reading the repository, over a
// 20000-file work tree; "changed" is the files counted as changed.
func BenchmarkSince(b *testing.B) {
	needGit(b)
	dir := benchRepo(b)
	all := files(b, dir)
	for name, since := range map[string]func(string, string) (*Set, error){
		"git":     func(d, r string) (*Set, error) { return Since(context.Background(), d, r) },
		"reading": sinceByReading,
	} {
		b.Run(name, func(b *testing.B) {
			var s *Set
			for b.Loop() {
				var err error
				if s, err = since(dir, "HEAD~1"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(changedBy(s, all))), "changed")
		})
	}
}
