package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
	if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "| high | MG008 LFSPointer | `models/model.bin` |") {
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

// TestInputsAndFlags: every input the scan reads reaches it from its
// INPUT_* variable inside Actions only, trimmed, with an empty value as
// not given, and a flag with a value wins.
func TestInputsAndFlags(t *testing.T) {
	tests := []struct {
		name      string
		inActions bool
		inputs    map[string]string
		args      []string
		code      int
		stderr    string // substring
	}{
		{"fail_on_input", true, map[string]string{"fail-on": "none"}, nil, exitOK, ""},
		{"fail_on_input_trimmed", true, map[string]string{"fail-on": " none\n"}, nil, exitOK, ""},
		{"fail_on_flag_wins", true, map[string]string{"fail-on": "none"}, []string{"--fail-on=high"}, exitFailed, ""},
		{"fail_on_empty_flag", true, map[string]string{"fail-on": "none"}, []string{"--fail-on="}, exitOK, ""},
		{"shard_input", true, map[string]string{"shard": "9/3"}, nil, exitProblem, "--shard"},
		{"shard_flag_wins", true, map[string]string{"shard": "9/3"}, []string{"--shard=1/1"}, exitFailed, ""},
		{"shard_empty_flag", true, map[string]string{"shard": "9/3"}, []string{"--shard="}, exitProblem, "--shard"},
		{"shard_empty_input", true, map[string]string{"shard": ""}, nil, exitFailed, ""},
		{"scan_scope_input", true, map[string]string{"scan-scope": "some"}, nil, exitProblem, `unknown --scan-scope "some"`},
		{"scan_scope_flag_wins", true, map[string]string{"scan-scope": "some"}, []string{"--scan-scope=all"}, exitFailed, ""},
		{"baseline_input", true, map[string]string{"baseline": "missing.json"}, nil, exitProblem, "missing.json"},
		{"baseline_empty_flag", true, map[string]string{"baseline": "missing.json"}, []string{"--baseline="}, exitProblem, "missing.json"},
		{"config_input", true, map[string]string{"config": "missing.yml"}, nil, exitProblem, "missing.yml"},
		{"path_input", true, map[string]string{"path": "nowhere\n"}, nil, exitProblem, "nowhere"},
		{"path_argument_wins", true, map[string]string{"path": "nowhere"}, []string{"models"}, exitFailed, ""},
		{"outside_actions_ignored", false, map[string]string{"fail-on": "none", "shard": "9/3", "scan-scope": "some",
			"baseline": "missing.json", "config": "missing.yml", "path": "nowhere"}, nil, exitFailed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := writeTree(t, map[string]string{"models/model.bin": lfsPointer})
			env := actionEnv(t, ws, tt.inputs)
			if !tt.inActions {
				env = map[string]string{}
				for k, v := range tt.inputs {
					env["INPUT_"+strings.ToUpper(k)] = v
				}
			}
			r := runIn(t, ws, env, append([]string{"scan", "--sarif-file="}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
		})
	}
}
