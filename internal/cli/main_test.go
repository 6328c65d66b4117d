package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/modelgate/modelgate/internal/testtree"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden and the rule table of README.md")

// lfsPointer is a Git LFS pointer: the gate must fail on it (MG008, high),
// since the model itself was never scanned.
const lfsPointer = "version https://git-lfs.github.com/spec/v1\n" +
	"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"

// evilPickle calls os.system('id') when loaded. It is only ever written,
// never loaded.
const evilPickle = "cos\nsystem\n(S'id'\ntR." // GLOBAL MARK STRING TUPLE REDUCE STOP

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	return testtree.New(t, files)
}

type result struct {
	code           int
	stdout, stderr string
}

// runIn runs the CLI in-process in dir with the given environment only.
func runIn(t *testing.T, dir string, env map[string]string, args ...string) result {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
	return result{code, out.String(), errOut.String()}
}

func TestCommandLine(t *testing.T) {
	lfs := map[string]string{"models/model.bin": lfsPointer, "README.md": "hello"}
	clean := map[string]string{"README.md": "hello", "data/notes.txt": "nothing to see"}
	tests := []struct {
		name     string
		tree     map[string]string
		args     []string
		code     int
		stdout   string // substring
		stderr   string // substring
		noStdout bool
	}{
		{"no_args", clean, nil, 2, "", "Usage:", true},
		{"help", clean, []string{"--help"}, 0, "modelgate scan [flags]", "", false},
		{"help_short", clean, []string{"-h"}, 0, "Usage:", "", false},
		{"help_scan", clean, []string{"help", "scan"}, 0, "--fail-on SEVERITY", "", false},
		{"scan_help", clean, []string{"scan", "-h"}, 0, "--fail-on SEVERITY", "", false},
		{"version", clean, []string{"--version"}, 0, "modelgate devel", "", false},
		{"unknown_command", clean, []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`, true},
		{"unknown_flag", clean, []string{"scan", "--bogus"}, 2, "", "flag provided but not defined: -bogus", true},
		{"bad_format", clean, []string{"scan", "--format", "xml"}, 2, "", `unknown --format "xml"`, true},
		{"bad_fail_on", clean, []string{"scan", "--fail-on=severe"}, 2, "", `unknown severity "severe"`, true},
		{"bad_jobs", clean, []string{"scan", "--jobs=-1"}, 2, "", "--jobs", true},
		{"bad_glob", clean, []string{"scan", "--include=[a"}, 2, "", "invalid glob", true},
		{"missing_path", clean, []string{"scan", "no/such/dir"}, 2, "", "no/such/dir", true},
		{"clean", clean, []string{"scan"}, 0, "; no findings", "", false},
		{"lfs_fails_at_high", lfs, []string{"scan"}, 1, "MG008", "", false},
		{"lfs_flags_after_path", lfs, []string{"scan", ".", "--fail-on", "critical"}, 0, "MG008", "", false},
		{"lfs_fail_on_none", lfs, []string{"scan", "--fail-on=none"}, 0, "1 high", "", false},
		{"lfs_fail_on_low", lfs, []string{"scan", "--fail-on=low", "models"}, 1, "models/model.bin", "", false},
		{"excluded", lfs, []string{"scan", "--exclude=models/**"}, 0, "1 excluded", "", false},
		{"include_other", lfs, []string{"scan", "--include", "**/*.md"}, 0, "; no findings", "", false},
		{"double_dash", lfs, []string{"scan", "--", "models"}, 1, "MG008", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, writeTree(t, tt.tree), nil, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
			if tt.noStdout && r.stdout != "" {
				t.Errorf("stdout not empty: %q", r.stdout)
			}
		})
	}
}

// TestGolden compares the three formats over a fixed tree.
func TestGolden(t *testing.T) {
	tree := map[string]string{"models/model.bin": lfsPointer, "README.md": "hello"}
	for format, file := range map[string]string{"text": "scan.txt", "json": "scan.json", "sarif": "scan.sarif"} {
		t.Run(format, func(t *testing.T) {
			dir := writeTree(t, tree)
			r := runIn(t, dir, nil, "scan", "--format="+format)
			if r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			// The SARIF names the repository root, a temporary folder here.
			real, err := filepath.EvalSymlinks(dir)
			if err != nil {
				t.Fatal(err)
			}
			out := r.stdout
			for _, d := range []string{real, dir} {
				out = strings.ReplaceAll(out, `"file://`+filepath.ToSlash(d)+`/"`, `"file:///REPO/"`)
			}
			golden(t, filepath.Join("testdata", "golden", file), out)
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	path = filepath.Join(repoRoot(t), path)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (go test ./internal/cli -update): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

var root string

// repoRoot is the root of the repository (action.yml, testdata/), taken
// before any test changes the working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	if root == "" {
		t.Fatal("repoRoot used before TestMain")
	}
	return root
}

func TestMain(m *testing.M) {
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		panic(fmt.Sprintf("the repository root %s has no go.mod: %v", dir, err))
	}
	root = dir
	os.Exit(m.Run())
}

func TestOutputFileIsTruncated(t *testing.T) {
	dir := writeTree(t, map[string]string{"README.md": "x", "out.json": strings.Repeat("x", 1<<16)})
	r := runIn(t, dir, nil, "scan", "--format=json", "--output=out.json", "--exclude=out.json")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("out.json is not one JSON document (not truncated?): %v", err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
