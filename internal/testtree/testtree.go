// Package testtree writes trees of files for tests: the checkouts the
// scanner, the CLI and the git helpers are tested on.
//
// Decisions:
//   - For tests only; nothing the binary links imports it.
//   - Paths are slash-separated and relative; folders are made as needed.
//     Any failure fails the test at once: a missing fixture would make
//     the test check nothing.
package testtree

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Write writes files (slash-separated path -> content) under dir, making
// the folders they need.
func Write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// New writes files into a new temporary folder of t and returns it.
func New(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	Write(t, dir, files)
	return dir
}

// settled counts Settle calls: each goes one second further back, since
// git compares modification times in whole seconds.
var settled atomic.Int64

// Settle makes every file of a git work tree (outside .git) older than
// its index and lets git refresh the index's stat data, as after a
// checkout some time ago: no entry is then racily clean (changed in the
// instant the index was written), so a reader of the index can trust it.
// Git exits 1 from the refresh when files are modified, which some tests
// want, so its status is ignored.
func Settle(t testing.TB, dir string) {
	t.Helper()
	past := time.Now().Add(-time.Hour - time.Duration(settled.Add(1))*time.Second)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			return os.Chtimes(p, past, past)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "update-index", "-q", "--really-refresh")
	cmd.Dir = dir
	_ = cmd.Run()
}

// Git runs git in dir with a fixed identity and no user or system
// configuration, and returns its trimmed output; a failure fails the test.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}
