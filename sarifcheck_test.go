package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/modelgate/modelgate/internal/sarifcheck"
)

// checkSARIF applies the suite's SARIF checks to a log the CLI wrote: the
// official SARIF 2.1.0 schema with format assertions, and Microsoft's
// SARIF Multitool with GitHub's rules (as sarif/validate_test.go does),
// when it is installed (required with SARIF_MULTITOOL_REQUIRED set).
func checkSARIF(t *testing.T, log []byte) {
	t.Helper()
	sch := sarifcheck.Schema(t, sarifcheck.Dir(repoRoot(t)))
	if err := sarifcheck.Validate(t, sch, log); err != nil {
		t.Errorf("SARIF does not follow the schema: %v", err)
	}
	for _, p := range multitoolProblems(t, log) {
		t.Error(p)
	}
}

var mtDiagnostic = regexp.MustCompile(`(?m)^.*: (error|warning) ([A-Za-z]+[0-9]+): (.*)$`)

// multitoolProblems runs `Sarif.Multitool validate` on the log and returns
// its errors and warnings (console and validation log).
func multitoolProblems(t *testing.T, log []byte) []string {
	t.Helper()
	mt := os.Getenv("SARIF_MULTITOOL")
	if mt == "" {
		if home, err := os.UserHomeDir(); err == nil {
			p := filepath.Join(home, ".cache", "sarif-tools", "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
			if _, err := os.Stat(p); err == nil {
				mt = p
			}
		}
	}
	if mt == "" {
		if os.Getenv("SARIF_MULTITOOL_REQUIRED") != "" {
			t.Fatal("SARIF_MULTITOOL_REQUIRED is set but the SARIF Multitool is not installed")
		}
		t.Log("SARIF Multitool not installed: schema check only")
		return nil
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.sarif"), filepath.Join(dir, "validation.sarif")
	if err := os.WriteFile(in, log, 0o644); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(repoRoot(t), "sarif", "testdata", "sarif-multitool-github.xml")
	cmd := exec.Command(mt, "validate", in, "-c", config, "--rule-kind", "Sarif;Ghas", "-o", out, "--log", "ForceOverwrite")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	console, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("multitool: %v\n%s", err, console)
	}
	var problems []string
	for _, m := range mtDiagnostic.FindAllStringSubmatch(string(console), -1) {
		problems = append(problems, "multitool: "+m[1]+" "+m[2]+": "+m[3])
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("multitool wrote no log: %v\n%s", err, console)
	}
	var v struct {
		Runs []struct {
			Results []struct {
				RuleID, Level string
				Message       struct{ Text string }
			}
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	for _, run := range v.Runs {
		for _, r := range run.Results {
			if r.Level == "" || r.Level == "error" || r.Level == "warning" {
				problems = append(problems, "multitool log: "+r.Level+" "+r.RuleID+": "+r.Message.Text)
			}
		}
	}
	return problems
}
