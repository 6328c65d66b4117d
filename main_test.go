package main

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

	"github.com/modelgate/modelgate/config"
	"github.com/modelgate/modelgate/scan"
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
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
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
	code := run(context.Background(), args, &out, &errOut, func(k string) string { return env[k] })
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
			r := runIn(t, writeTree(t, tree), nil, "scan", "--format="+format)
			if r.code != 1 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, filepath.Join("testdata", "golden", file), r.stdout)
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
		t.Fatalf("read golden (go test . -update): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

var root string

// repoRoot is the folder of this package, taken before any test changes
// the working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	if root == "" {
		t.Fatal("repoRoot used before TestMain")
	}
	return root
}

func TestMain(m *testing.M) {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	root = wd
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

// actionEnv is the environment of a Docker action step, as the runner sets
// it, with the files it reads back.
func actionEnv(t *testing.T, ws string, inputs map[string]string) map[string]string {
	t.Helper()
	files := t.TempDir()
	env := map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_WORKSPACE":    ws,
		"GITHUB_OUTPUT":       filepath.Join(files, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(files, "summary"),
	}
	for _, f := range []string{env["GITHUB_OUTPUT"], env["GITHUB_STEP_SUMMARY"]} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range inputs {
		env["INPUT_"+strings.ToUpper(k)] = v
	}
	return env
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInActions(t *testing.T) {
	ws := writeTree(t, map[string]string{"models/model.bin": lfsPointer, "README.md": "x"})
	env := actionEnv(t, ws, map[string]string{"fail-on": "high", "sarif-file": "out/modelgate.sarif", "path": "."})
	if err := os.MkdirAll(filepath.Join(ws, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := runIn(t, ws, env, "scan", "--fail-on=", "--sarif-file=", "--config=", "--category=", "")
	if r.code != 1 {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	sarifLog := readFile(t, filepath.Join(ws, "out", "modelgate.sarif"))
	if !strings.Contains(sarifLog, `"ruleId": "MG008"`) {
		t.Errorf("SARIF lacks the finding:\n%s", sarifLog)
	}
	outputs := readFile(t, env["GITHUB_OUTPUT"])
	for _, want := range []string{"sarif-file<<", "out/modelgate.sarif", "findings<<", "highest-severity<<", "\nhigh\n", "files-scanned<<"} {
		if !strings.Contains(outputs, want) {
			t.Errorf("outputs lack %q:\n%s", want, outputs)
		}
	}
	if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "| high | MG008 LFSPointer | models\\/model\\.bin |") {
		t.Errorf("step summary lacks the finding:\n%s", s)
	}
	if !strings.Contains(r.stdout, "::error file=models/model.bin,title=MG008 LFSPointer (high)::") {
		t.Errorf("no annotation:\n%s", r.stdout)
	}
}

func TestFlagsWinOverInputs(t *testing.T) {
	ws := writeTree(t, map[string]string{"models/model.bin": lfsPointer})
	env := actionEnv(t, ws, map[string]string{"fail-on": "high"})
	if r := runIn(t, ws, env, "scan", "--fail-on=critical"); r.code != 0 {
		t.Errorf("--fail-on=critical did not win over INPUT_FAIL-ON=high: exit %d", r.code)
	}
	env = actionEnv(t, ws, map[string]string{"fail-on": "none"})
	if r := runIn(t, ws, env, "scan", "--fail-on="); r.code != 0 {
		t.Errorf("an empty --fail-on= did not fall back to INPUT_FAIL-ON=none: exit %d", r.code)
	}
	env = actionEnv(t, ws, map[string]string{"exclude": "models/**\nother/**"})
	if r := runIn(t, ws, env, "scan"); r.code != 0 || !strings.Contains(r.stdout, "1 excluded") {
		t.Errorf("INPUT_EXCLUDE lines not used: exit %d\n%s", r.code, r.stdout)
	}
}

// TestOutsideActions: INPUT_* and runner files are ignored, nothing is
// written, nothing panics.
func TestOutsideActions(t *testing.T) {
	ws := writeTree(t, map[string]string{"models/model.bin": lfsPointer})
	env := map[string]string{"INPUT_FAIL-ON": "none", "INPUT_SARIF-FILE": "x.sarif"}
	r := runIn(t, ws, env, "scan")
	if r.code != 1 {
		t.Errorf("INPUT_FAIL-ON was read outside Actions: exit %d", r.code)
	}
	if strings.Contains(r.stdout, "::error") {
		t.Error("annotations outside Actions")
	}
	if _, err := os.Stat(filepath.Join(ws, "x.sarif")); err == nil {
		t.Error("SARIF file written outside Actions from INPUT_SARIF-FILE")
	}
	// In Actions without runner files: no panic, outputs skipped.
	r = runIn(t, ws, map[string]string{"GITHUB_ACTIONS": "true"}, "scan", "--fail-on=none")
	if r.code != 0 {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}

func TestPolicyFile(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"ignore_suppresses", "ignore:\n  - rule: MG008\n    path: models/**\n    reason: weights fetched at deploy time\n",
			nil, 0, "1 suppressed by the policy file", ""},
		{"forced_allow_reported", "allow:\n  - global: os.system\n    reason: test harness\n    force: true\n",
			[]string{"--fail-on=medium"}, 1, "MG150", ""},
		{"explicit_config", "", []string{"--config=other.yml"}, 0, "1 suppressed", ""},
		{"invalid", "allow:\n  - global: mypkg.Net\n", nil, 2, "", "policy file"},
		{"unknown_key", "alow: []\n", nil, 2, "", "policy file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := map[string]string{"models/model.bin": lfsPointer,
				"other.yml": "ignore:\n  - rule: MG008\n    path: '**'\n    reason: reviewed\n"}
			if tt.policy != "" {
				tree[".modelgate.yml"] = tt.policy
			}
			r := runIn(t, writeTree(t, tree), nil, append([]string{"scan"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestBaseline(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"models/model.bin": lfsPointer})
			if r := runIn(t, dir, nil, "scan", "--format="+format, "--output=base."+format, "models"); r.code != 1 {
				t.Fatalf("first scan: exit %d %s", r.code, r.stderr)
			}
			r := runIn(t, dir, nil, "scan", "--baseline=base."+format, "models")
			if r.code != 0 || !strings.Contains(r.stdout, "1 already in the baseline") {
				t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if err := os.WriteFile(filepath.Join(dir, "models", "other.bin"), []byte(lfsPointer), 0o644); err != nil {
				t.Fatal(err)
			}
			if r := runIn(t, dir, nil, "scan", "--baseline=base."+format, "models"); r.code != 1 {
				t.Errorf("a new finding passed the gate: exit %d", r.code)
			}
		})
	}
}

// rulesTable renders the rule table of the README from scan.Rules().
func rulesTable() string {
	var b strings.Builder
	b.WriteString("| ID | Name | Severity | What it finds | CWE |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range scan.Rules() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.ID, r.Name, r.Severity, r.Short, strings.Join(r.CWE, ", "))
	}
	return b.String()
}

func TestReadmeRuleTable(t *testing.T) {
	path := filepath.Join(repoRoot(t), "README.md")
	readme := readFile(t, path)
	start := strings.Index(readme, "<!-- rules:start")
	end := strings.Index(readme, "<!-- rules:end -->")
	if start < 0 || end < start {
		t.Fatal("README.md lacks the rules:start/rules:end markers")
	}
	start += strings.Index(readme[start:], "\n") + 1
	if *update {
		readme = readme[:start] + rulesTable() + readme[end:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(rulesTable(), readme[start:end]); diff != "" {
		t.Errorf("README rule table differs from scan.Rules() (go test . -update) (-want +got):\n%s", diff)
	}
}

// TestReadmePolicyExample parses the README's .modelgate.yml example with
// the real parser.
func TestReadmePolicyExample(t *testing.T) {
	readme := readFile(t, filepath.Join(repoRoot(t), "README.md"))
	_, after, ok := strings.Cut(readme, "## Allowing your own classes")
	if !ok {
		t.Fatal("README lacks the policy file section")
	}
	_, block, ok := strings.Cut(after, "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("README lacks the policy file example")
	}
	if _, err := config.Parse([]byte(block)); err != nil {
		t.Errorf("README's policy example does not parse: %v", err)
	}
}
