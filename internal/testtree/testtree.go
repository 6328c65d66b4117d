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
	"os"
	"path/filepath"
	"testing"
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
