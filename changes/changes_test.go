package changes

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/modelgate/modelgate/internal/testtree"
)

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	testtree.Write(t, dir, map[string]string{name: body})
}

func TestSince(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	run(t, dir, "init", "-q", "-b", "main")
	write(t, dir, "keep.pkl", "a")
	write(t, dir, "modify.pkl", "b")
	write(t, dir, "rename.pkl", "c-long-enough-content-for-rename-detection")
	write(t, dir, "delete.pkl", "d")
	run(t, dir, "add", "-A")
	run(t, dir, "commit", "-qm", "base")
	run(t, dir, "tag", "base")

	write(t, dir, "modify.pkl", "b2")
	if err := os.MkdirAll(filepath.Join(dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "mv", "rename.pkl", "models/renamed.pkl")
	run(t, dir, "rm", "-q", "delete.pkl")
	write(t, dir, "added.pkl", "e")
	run(t, dir, "add", "-A")
	run(t, dir, "commit", "-qm", "change")
	write(t, dir, "untracked.pkl", "f")

	got, err := Since(context.Background(), dir, "base")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := []string{"added.pkl", "models/renamed.pkl", "modify.pkl", "untracked.pkl"}
	if !slices.Equal(got, want) {
		t.Errorf("Since = %v, want %v", got, want)
	}

	if _, err := Since(context.Background(), dir, "0123456789012345678901234567890123456789"); !errors.Is(err, ErrNoHistory) {
		t.Errorf("unknown revision: err = %v, want ErrNoHistory", err)
	}
	if _, err := Since(context.Background(), dir, "--output=/tmp/x"); err == nil {
		t.Error("option-like revision accepted")
	}
}

func TestSinceShallow(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	src := t.TempDir()
	run(t, src, "init", "-q", "-b", "main")
	write(t, src, "a.pkl", "1")
	run(t, src, "add", "-A")
	run(t, src, "commit", "-qm", "one")
	write(t, src, "b.pkl", "2")
	run(t, src, "add", "-A")
	run(t, src, "commit", "-qm", "two")
	out, err := exec.Command("git", "-C", src, "rev-parse", "HEAD~1").Output()
	if err != nil {
		t.Fatal(err)
	}
	base := string(out[:40])
	clone := filepath.Join(t.TempDir(), "clone")
	run(t, src, "clone", "-q", "--depth", "1", "file://"+src, clone)
	_, err = Since(context.Background(), clone, base)
	if !errors.Is(err, ErrNoHistory) {
		t.Fatalf("shallow clone: err = %v, want ErrNoHistory", err)
	}
}

func TestSinceWithoutGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := Since(context.Background(), t.TempDir(), "HEAD~1"); !errors.Is(err, ErrNoGit) {
		t.Errorf("Since without git = %v, want ErrNoGit", err)
	}
}
