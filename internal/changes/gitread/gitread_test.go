package gitread

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/testtree"
)

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return testtree.Git(t, dir, args...)
}

// busyRepo makes a repository whose trees delta against each other: many
// commits that each change one file of a wide, nested directory.
func busyRepo(t *testing.T) string {
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	for d := 0; d < 6; d++ {
		for f := 0; f < 30; f++ {
			p := filepath.Join(dir, fmt.Sprintf("dir%d/sub%d/file%02d.pkl", d, d%2, f))
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(fmt.Sprintf("content %d %d\n", d, f)), 0o644)
		}
	}
	os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755)
	os.Symlink("run.sh", filepath.Join(dir, "link"))
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "first")
	for i := 0; i < 40; i++ {
		p := filepath.Join(dir, fmt.Sprintf("dir%d/sub%d/file%02d.pkl", i%6, (i%6)%2, i%30))
		os.WriteFile(p, []byte(fmt.Sprintf("changed %d\n", i)), 0o644)
		if i%7 == 0 {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("new%d.pkl", i)), []byte("n"), 0o644)
		}
		git(t, dir, "add", "-A")
		git(t, dir, "commit", "-qm", fmt.Sprintf("c%d", i))
		if i == 20 {
			git(t, dir, "tag", "-a", "-m", "mid", "mid")
			git(t, dir, "branch", "old")
		}
	}
	return dir
}

// lsTree is git's own list of a commit's files.
func lsTree(t *testing.T, dir, rev string) map[string]Entry {
	out := map[string]Entry{}
	for _, line := range strings.Split(git(t, dir, "ls-tree", "-r", "--full-tree", rev), "\n") {
		meta, path, _ := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		if f[1] == "commit" {
			continue
		}
		var mode uint32
		fmt.Sscanf(f[0], "%o", &mode)
		h, err := ParseHash(f[2])
		if err != nil {
			t.Fatal(err)
		}
		out[path] = Entry{Mode: mode, Hash: h}
	}
	return out
}

func TestReadsWhatGitReads(t *testing.T) {
	needGit(t)
	dir := busyRepo(t)
	layouts := []struct {
		name string
		args []string
	}{
		{"loose", nil},
		{"offset deltas", []string{"repack", "-adfq", "--window=50", "--depth=50"}},
		{"reference deltas, index v1", []string{"-c", "repack.useDeltaBaseOffset=false", "-c", "pack.indexVersion=1", "repack", "-adfq", "--window=50", "--depth=50"}},
		{"packed refs, gc", []string{"gc", "-q", "--aggressive"}},
	}
	revs := []string{"HEAD", "main", "old", "mid", "mid~3", "HEAD~17", "HEAD^", "main^^^", "refs/heads/old~2", "heads/old"}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			if l.args != nil {
				git(t, dir, l.args...)
			}
			r, err := Open(filepath.Join(dir, "dir1"))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for _, c := range strings.Fields(git(t, dir, "rev-list", "--all")) {
				h, err := r.Resolve(c)
				if err != nil || h.String() != c {
					t.Fatalf("Resolve(%s) = %v, %v", c, h, err)
				}
				tree, err := r.CommitTree(h)
				if err != nil {
					t.Fatal(err)
				}
				got, err := r.Files(tree)
				if err != nil {
					t.Fatal(err)
				}
				want := lsTree(t, dir, c)
				if len(got) != len(want) {
					t.Fatalf("%s: %d files, git lists %d", c, len(got), len(want))
				}
				for p, e := range want {
					if got[p] != e {
						t.Errorf("%s: %s = %+v, git says %+v", c, p, got[p], e)
					}
				}
			}
			for _, rev := range append(revs, git(t, dir, "rev-parse", "--short=7", "HEAD~5")) {
				h, err := r.Resolve(rev)
				if want := git(t, dir, "rev-parse", rev+"^{commit}"); err != nil || h.String() != want {
					t.Errorf("Resolve(%s) = %v, %v; git says %s", rev, h, err, want)
				}
			}
			// "heads" names the folder refs/heads, which is no ref.
			for _, name := range []string{"nosuchbranch", "heads"} {
				if _, err := r.Resolve(name); !errors.Is(err, ErrNotFound) {
					t.Errorf("unknown name %s: %v", name, err)
				}
			}
			if _, err := r.Resolve("HEAD~100"); !errors.Is(err, ErrNotFound) {
				t.Errorf("beyond the root: %v", err)
			}
		})
	}
}

func TestIndexMatchesLsFiles(t *testing.T) {
	needGit(t)
	dir := busyRepo(t)
	os.WriteFile(filepath.Join(dir, "intent.pkl"), []byte("i"), 0o644)
	git(t, dir, "add", "-N", "intent.pkl")
	git(t, dir, "update-index", "--skip-worktree", "run.sh")
	for _, version := range []string{"3", "2", "4"} {
		if version == "2" {
			// -N and --skip-worktree need version 3; dropping them
			// lets git write versions 2 and 4 as asked.
			git(t, dir, "update-index", "--no-skip-worktree", "run.sh")
			git(t, dir, "rm", "-q", "--cached", "intent.pkl")
		}
		git(t, dir, "update-index", "--index-version", version)
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		idx, err := r.Index()
		r.Close()
		if err != nil {
			t.Fatalf("v%s: %v", version, err)
		}
		var got []string
		for _, e := range idx.Entries {
			got = append(got, fmt.Sprintf("%o %s %d\t%s", e.Mode, e.Hash, e.Stage, e.Path))
			if e.Path == "run.sh" && e.SkipWorktree != (version == "3") {
				t.Errorf("v%s: run.sh skip-worktree = %v", version, e.SkipWorktree)
			}
			if e.Path == "intent.pkl" && !e.IntentToAdd {
				t.Errorf("v%s: intent.pkl not marked intent-to-add", version)
			}
		}
		if want := git(t, dir, "ls-files", "-s"); strings.Join(got, "\n") != want {
			t.Errorf("v%s: index\n%s\ngit ls-files -s\n%s", version, strings.Join(got, "\n"), want)
		}
	}
}

// TestUnknownExtension: an extension this reader does not know may change
// what the files mean, so the repository is refused, as git refuses one.
func TestUnknownExtension(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	git(t, dir, "init", "-q")
	git(t, dir, "config", "core.repositoryFormatVersion", "1")
	git(t, dir, "config", "extensions.worktreeConfig", "true")
	r, err := Open(dir)
	if err != nil {
		t.Fatalf("known extension refused: %v", err)
	}
	r.Close()
	git(t, dir, "config", "extensions.somethingNew", "true")
	if _, err := Open(dir); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unknown extension: err = %v, want ErrUnsupported", err)
	}
}

// TestIndexChecksum: the trailing SHA-1 is checked, and an all-zero one
// (index.skipHash, which newer git writes) is accepted.
func TestIndexChecksum(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "seeds", "index-v2"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseIndex(data); err != nil {
		t.Fatalf("index written by git: %v", err)
	}
	skip := append([]byte(nil), data...)
	copy(skip[len(skip)-20:], make([]byte, 20))
	if _, err := ParseIndex(skip); err != nil {
		t.Errorf("all-zero checksum: %v", err)
	}
	bad := append([]byte(nil), data...)
	bad[20] ^= 1
	if _, err := ParseIndex(bad); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("changed byte: err = %v, want a checksum mismatch", err)
	}
}
