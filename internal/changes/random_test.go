package changes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/modelgate/modelgate/internal/testtree"
)

// TestReaderAgreesWithGitRandomly replays random histories (files added,
// edited, removed, renamed, made executable, turned into links, staged or
// not; packs made or not) and checks after each commit that reading the
// repository counts as changed exactly what git diff does, plus the
// ignored files git leaves out.
func TestReaderAgreesWithGitRandomly(t *testing.T) {
	needGit(t)
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			dir := t.TempDir()
			run(t, dir, "init", "-q", "-b", "main")
			run(t, dir, "config", "gc.auto", "0")
			write(t, dir, ".gitignore", "ignored/\n")
			names := []string{"a.pkl", "b.pkl", "m/c.pkl", "m/d.pkl", "m/n/e.pkl", "f.pt", "g/h.bin", "ignored/x.pkl"}
			var commits []string
			for step := 0; step < 12; step++ {
				for op := 0; op < 3; op++ {
					name := names[rng.IntN(len(names))]
					path := filepath.Join(dir, filepath.FromSlash(name))
					switch rng.IntN(6) {
					case 0, 1:
						write(t, dir, name, fmt.Sprintf("content %d %d", step, rng.IntN(3)))
					case 2:
						os.Remove(path)
					case 3:
						if _, err := os.Lstat(path); err == nil {
							os.Chmod(path, 0o755)
						}
					case 4:
						os.Remove(path)
						os.MkdirAll(filepath.Dir(path), 0o755)
						os.Symlink("target-"+fmt.Sprint(rng.IntN(2)), path)
					case 5:
						to := names[rng.IntN(len(names))]
						if to != name {
							os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755)
							os.Rename(path, filepath.Join(dir, filepath.FromSlash(to)))
						}
					}
				}
				run(t, dir, "add", "-A")
				run(t, dir, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("step ", step))
				commits = append(commits, gitOut(t, dir, "rev-parse", "HEAD"))
				if rng.IntN(3) == 0 {
					run(t, dir, "repack", "-adq")
				}
				// Leave some edits in the work tree, unstaged.
				if rng.IntN(2) == 0 {
					write(t, dir, names[rng.IntN(len(names))], fmt.Sprint("loose ", step))
				}
				testtree.Settle(t, dir)
				all := files(t, dir)
				rev := commits[rng.IntN(len(commits))]
				byGit, err := Since(context.Background(), dir, rev)
				if err != nil {
					t.Fatal(err)
				}
				byReading, err := sinceByReading(dir, rev)
				if err != nil {
					t.Fatal(err)
				}
				want := changedBy(byGit, all)
				for _, p := range all {
					if filepath.Dir(p) == "ignored" && !slices.Contains(want, p) {
						want = append(want, p)
					}
				}
				slices.Sort(want)
				if got := changedBy(byReading, all); !slices.Equal(got, want) {
					t.Fatalf("step %d, since %s: reading %v, git %v", step, rev[:7], got, want)
				}
			}
		})
	}
}
