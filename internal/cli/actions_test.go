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
