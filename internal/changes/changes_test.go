package changes

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelgate/modelgate/internal/changes/gitread"
	"github.com/modelgate/modelgate/internal/testtree"
)

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return testtree.Git(t, dir, args...)
}

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	gitOut(t, dir, args...)
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	testtree.Write(t, dir, map[string]string{name: body})
}

// files lists the regular files and symbolic links under dir (outside
// .git), relative and with forward slashes: what a scan would visit.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func changedBy(s *Set, paths []string) []string {
	var out []string
	for _, p := range paths {
		if s.Has(p) {
			out = append(out, p)
		}
	}
	return out
}

// history builds a repository with a base commit, a tag on it, and a
// second commit that modifies, renames, deletes and adds files, plus an
// untracked file.
func history(t *testing.T) string {
	dir := t.TempDir()
	run(t, dir, "init", "-q", "-b", "main")
	write(t, dir, "keep.pkl", "a")
	write(t, dir, "models/keep2.pkl", "a2")
	write(t, dir, "modify.pkl", "b")
	write(t, dir, "rename.pkl", "c-long-enough-content-for-rename-detection")
	write(t, dir, "delete.pkl", "d")
	run(t, dir, "add", "-A")
	run(t, dir, "commit", "-qm", "base")
	run(t, dir, "tag", "base")

	write(t, dir, "modify.pkl", "b2")
	run(t, dir, "mv", "rename.pkl", "models/renamed.pkl")
	run(t, dir, "rm", "-q", "delete.pkl")
	write(t, dir, "added.pkl", "e")
	run(t, dir, "add", "-A")
	run(t, dir, "commit", "-qm", "change")
	write(t, dir, "untracked.pkl", "f")
	testtree.Settle(t, dir)
	return dir
}

func TestSince(t *testing.T) {
	needGit(t)
	dir := history(t)
	want := []string{"added.pkl", "models/renamed.pkl", "modify.pkl", "untracked.pkl"}
	for name, since := range map[string]func(string, string) (*Set, error){
		"git":     func(d, r string) (*Set, error) { return Since(context.Background(), d, r) },
		"reading": sinceByReading,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := since(dir, "base")
			if err != nil {
				t.Fatal(err)
			}
			if c := changedBy(got, files(t, dir)); !slices.Equal(c, want) {
				t.Errorf("changed = %v, want %v", c, want)
			}
			if _, err := since(dir, "0123456789012345678901234567890123456789"); !errors.Is(err, ErrNoHistory) {
				t.Errorf("unknown revision: err = %v, want ErrNoHistory", err)
			}
		})
	}
	if _, err := Since(context.Background(), dir, "--output=/tmp/x"); err == nil {
		t.Error("option-like revision accepted")
	}
}

// TestReaderAgreesWithGit builds repositories in the shapes a checkout can
// take and checks that the reader finds every file git reports changed,
// and no more than git except where it cannot know (ignored files).
func TestReaderAgreesWithGit(t *testing.T) {
	needGit(t)
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string) (scanDir string)
		revs  []string
		extra []string // files the reader counts as changed and git does not
	}{
		{name: "loose objects", revs: []string{"base", "main~1", "HEAD~1", "HEAD^", "@~1", "tags/base", "refs/tags/base", "base^{commit}", "base^{}"}},
		{name: "packed", setup: func(t *testing.T, dir string) string {
			run(t, dir, "gc", "-q", "--aggressive")
			return dir
		}, revs: []string{"base", "main~1", "HEAD~1"}},
		{name: "packed refs and annotated tag", setup: func(t *testing.T, dir string) string {
			run(t, dir, "tag", "-a", "-m", "release", "v1", "base")
			run(t, dir, "pack-refs", "--all")
			return dir
		}, revs: []string{"v1", "base", "v1~0", "v1^{commit}"}},
		{name: "subdirectory", setup: func(t *testing.T, dir string) string {
			return filepath.Join(dir, "models")
		}, revs: []string{"base"}},
		{name: "index version 4", setup: func(t *testing.T, dir string) string {
			run(t, dir, "update-index", "--index-version", "4")
			return dir
		}, revs: []string{"base"}},
		{name: "intent to add", setup: func(t *testing.T, dir string) string {
			write(t, dir, "later.pkl", "g")
			run(t, dir, "add", "-N", "later.pkl")
			return dir
		}, revs: []string{"base"}},
		{name: "staged and unstaged edits", setup: func(t *testing.T, dir string) string {
			write(t, dir, "keep.pkl", "staged")
			run(t, dir, "add", "keep.pkl")
			write(t, dir, "models/keep2.pkl", "x2")
			return dir
		}, revs: []string{"base", "HEAD"}},
		{name: "mode change", setup: func(t *testing.T, dir string) string {
			if err := os.Chmod(filepath.Join(dir, "keep.pkl"), 0o755); err != nil {
				t.Fatal(err)
			}
			return dir
		}, revs: []string{"base"}},
		{name: "symbolic link", setup: func(t *testing.T, dir string) string {
			if err := os.Symlink("keep.pkl", filepath.Join(dir, "link.pkl")); err != nil {
				t.Fatal(err)
			}
			run(t, dir, "add", "link.pkl")
			run(t, dir, "commit", "-qm", "link")
			run(t, dir, "tag", "withlink")
			return dir
		}, revs: []string{"base", "withlink"}},
		{name: "ignored file", setup: func(t *testing.T, dir string) string {
			write(t, dir, ".gitignore", "cache/\n")
			write(t, dir, "cache/downloaded.pkl", "h")
			run(t, dir, "add", ".gitignore")
			run(t, dir, "commit", "-qm", "ignore")
			return dir
		}, revs: []string{"base", "HEAD"}, extra: []string{"cache/downloaded.pkl"}},
		{name: "linked work tree", setup: func(t *testing.T, dir string) string {
			wt := filepath.Join(t.TempDir(), "wt")
			run(t, dir, "worktree", "add", "-q", "-b", "feature", wt, "main")
			write(t, wt, "feature.pkl", "i")
			run(t, wt, "add", "feature.pkl")
			run(t, wt, "commit", "-qm", "feature")
			return wt
		}, revs: []string{"base", "main", "HEAD~1", "feature~1"}},
		{name: "shared clone (alternates)", setup: func(t *testing.T, dir string) string {
			clone := filepath.Join(t.TempDir(), "clone")
			run(t, dir, "clone", "-q", "--shared", dir, clone)
			write(t, clone, "new.pkl", "j")
			run(t, clone, "add", "new.pkl")
			return clone
		}, revs: []string{"origin/main~1", "base", "origin/HEAD~1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := history(t)
			scan := dir
			if tc.setup != nil {
				scan = tc.setup(t, dir)
			}
			testtree.Settle(t, scan)
			all := files(t, scan)
			for _, rev := range tc.revs {
				byGit, err := Since(context.Background(), scan, rev)
				if err != nil {
					t.Fatalf("%s: git: %v", rev, err)
				}
				byReading, err := sinceByReading(scan, rev)
				if err != nil {
					t.Fatalf("%s: reading: %v", rev, err)
				}
				want := changedBy(byGit, all)
				for _, e := range tc.extra {
					if !slices.Contains(want, e) {
						want = append(want, e)
					}
				}
				slices.Sort(want)
				got := changedBy(byReading, all)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: reading finds %v changed, git %v (+ %v)", rev, got, changedBy(byGit, all), tc.extra)
				}
			}
		})
	}
}

// TestReaderRacyFiles: when a file's stat data cannot prove it unchanged
// (modified in the instant the index was written, or touched), the
// reader hashes its content, as git would.
func TestReaderRacyFiles(t *testing.T) {
	needGit(t)
	dir := history(t)
	future := time.Now().Add(time.Hour).Truncate(time.Second)
	for _, f := range []string{"keep.pkl", "models/keep2.pkl"} {
		if err := os.Chtimes(filepath.Join(dir, f), future, future); err != nil {
			t.Fatal(err)
		}
	}
	// Refreshing records the new times in the index, which is written
	// before them: both entries are racily clean.
	cmd := exec.Command("git", "update-index", "-q", "--really-refresh")
	cmd.Dir = dir
	_ = cmd.Run()
	// keep.pkl then changes without its size or time changing.
	write(t, dir, "keep.pkl", "z")
	if err := os.Chtimes(filepath.Join(dir, "keep.pkl"), future, future); err != nil {
		t.Fatal(err)
	}
	// modify.pkl is touched: a new time, the same content as at HEAD.
	now := time.Now()
	if err := os.Chtimes(filepath.Join(dir, "modify.pkl"), now, now); err != nil {
		t.Fatal(err)
	}
	for rev, want := range map[string][]string{
		"base": {"added.pkl", "keep.pkl", "models/renamed.pkl", "modify.pkl", "untracked.pkl"},
		"HEAD": {"keep.pkl", "untracked.pkl"},
	} {
		s, err := sinceByReading(dir, rev)
		if err != nil {
			t.Fatal(err)
		}
		if got := changedBy(s, files(t, dir)); !slices.Equal(got, want) {
			t.Errorf("since %s: changed = %v, want %v", rev, got, want)
		}
	}
}

func TestSinceShallow(t *testing.T) {
	needGit(t)
	src := t.TempDir()
	run(t, src, "init", "-q", "-b", "main")
	write(t, src, "a.pkl", "1")
	run(t, src, "add", "-A")
	run(t, src, "commit", "-qm", "one")
	write(t, src, "b.pkl", "2")
	run(t, src, "add", "-A")
	run(t, src, "commit", "-qm", "two")
	base := gitOut(t, src, "rev-parse", "HEAD~1")
	clone := filepath.Join(t.TempDir(), "clone")
	run(t, src, "clone", "-q", "--depth", "1", "file://"+src, clone)
	for _, rev := range []string{base, "HEAD~1"} {
		if _, err := Since(context.Background(), clone, rev); !errors.Is(err, ErrNoHistory) {
			t.Errorf("git, %s: err = %v, want ErrNoHistory", rev, err)
		}
		_, err := sinceByReading(clone, rev)
		if !errors.Is(err, ErrNoHistory) || !strings.Contains(err.Error(), "shallow") {
			t.Errorf("reading, %s: err = %v, want ErrNoHistory naming the shallow clone", rev, err)
		}
	}
}

// TestSinceWithoutGit: with no git program, Since reads the repository.
func TestSinceWithoutGit(t *testing.T) {
	needGit(t)
	dir := history(t)
	t.Setenv("PATH", t.TempDir())
	s, err := Since(context.Background(), dir, "base")
	if err != nil {
		t.Fatal(err)
	}
	if s.Changed() != -1 || !strings.Contains(s.How, "no git") {
		t.Errorf("Since without git used %q", s.How)
	}
	want := []string{"added.pkl", "models/renamed.pkl", "modify.pkl", "untracked.pkl"}
	if got := changedBy(s, files(t, dir)); !slices.Equal(got, want) {
		t.Errorf("changed = %v, want %v", got, want)
	}
	if _, err := Since(context.Background(), t.TempDir(), "HEAD~1"); !errors.Is(err, gitread.ErrNotRepository) {
		t.Errorf("outside a repository: err = %v, want ErrNotRepository", err)
	}
}

// TestReaderRefuses: repositories the reader cannot read are errors (the
// scan then covers everything), never an empty change list.
func TestReaderRefuses(t *testing.T) {
	needGit(t)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"split index", func(t *testing.T, dir string) { run(t, dir, "update-index", "--split-index") }},
		{"revision syntax", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := history(t)
			rev := "base"
			if tc.setup != nil {
				tc.setup(t, dir)
			} else {
				rev = "main@{1}"
			}
			if s, err := sinceByReading(dir, rev); err == nil {
				t.Errorf("no error; %d files known changed", s.Changed())
			}
		})
	}
	t.Run("partial clone without trees", func(t *testing.T) {
		src := history(t)
		run(t, src, "config", "uploadpack.allowFilter", "true")
		clone := filepath.Join(t.TempDir(), "clone")
		run(t, src, "clone", "-q", "--no-local", "--filter=tree:0", "file://"+src, clone)
		s, err := sinceByReading(clone, "HEAD~1")
		if err == nil || !strings.Contains(err.Error(), "not found") {
			t.Errorf("base tree missing: err = %v (set %v)", err, s)
		}
	})
	t.Run("sha256 objects", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command("git", "init", "-q", "--object-format=sha256", dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("git cannot make a SHA-256 repository: %s", out)
		}
		if _, err := sinceByReading(dir, "HEAD"); !errors.Is(err, gitread.ErrUnsupported) {
			t.Errorf("err = %v, want ErrUnsupported", err)
		}
	})
}

// TestSinceOtherOwner: git refuses a work tree owned by another user (as
// a container sees a mounted checkout); Since then reads it instead.
func TestSinceOtherOwner(t *testing.T) {
	needGit(t)
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the work tree to another user")
	}
	dir := history(t)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 65534, 65534)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	s, err := Since(context.Background(), dir, "base")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.How, "another user") {
		t.Errorf("How = %q", s.How)
	}
	want := []string{"added.pkl", "models/renamed.pkl", "modify.pkl", "untracked.pkl"}
	if got := changedBy(s, files(t, dir)); !slices.Equal(got, want) {
		t.Errorf("changed = %v, want %v", got, want)
	}
}
