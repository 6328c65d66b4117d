package sarif

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/sarifcheck"
)

// TestSchema validates every log the tests produce against the official
// SARIF 2.1.0 JSON schema (testdata/sarif-schema-2.1.0.json, unchanged from
// oasis-tcs/sarif-spec), with format assertions on.
func TestSchema(t *testing.T) {
	sch := sarifcheck.Schema(t, "testdata")
	for name, log := range cases(t) {
		t.Run(strings.TrimSuffix(name, ".sarif"), func(t *testing.T) {
			if err := sarifcheck.Validate(t, sch, log); err != nil {
				t.Errorf("%s does not follow the SARIF schema: %v", name, err)
			}
		})
	}
}

// TestSchemaCatchesErrors makes sure the schema check can fail.
func TestSchemaCatchesErrors(t *testing.T) {
	sch := sarifcheck.Schema(t, "testdata")
	bad := strings.Replace(string(cases(t)["findings.sarif"]), `"level": "error"`, `"level": "critical"`, 1)
	if sarifcheck.Validate(t, sch, []byte(bad)) == nil {
		t.Error(`level "critical" passed the schema`)
	}
}

// multitool finds Microsoft's SARIF Multitool: $SARIF_MULTITOOL, the folder
// scripts/install-sarif-multitool.sh installs into ($SARIF_TOOLS_DIR or
// ~/.cache/sarif-tools), or PATH. With SARIF_MULTITOOL_REQUIRED set (CI),
// a missing Multitool fails the test instead of skipping it.
func multitool() string {
	if p := os.Getenv("SARIF_MULTITOOL"); p != "" {
		return p
	}
	dir := os.Getenv("SARIF_TOOLS_DIR")
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".cache", "sarif-tools")
		}
	}
	p := filepath.Join(dir, "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if p, err := exec.LookPath("Sarif.Multitool"); err == nil {
		return p
	}
	return ""
}

// mtLine is a diagnostic line of `Sarif.Multitool validate`:
// /path/file.sarif(12,34): error SARIF1001: runs[0]...: text
var mtLine = regexp.MustCompile(`(?m)^.*: (error|warning) ([A-Za-z]+[0-9]+): (.*)$`)

// TestMultitool validates every log with `Sarif.Multitool validate
// --rule-kind "Sarif;Ghas"` and GitHub's rules GH1001-GH1007 switched on.
// The Multitool exits 0 whatever it finds and skips files it cannot read,
// so the test reads both its output and the log it writes, and fails on any
// error or warning.
func TestMultitool(t *testing.T) {
	mt := multitool()
	if mt == "" {
		if os.Getenv("SARIF_MULTITOOL_REQUIRED") != "" {
			t.Fatal("SARIF_MULTITOOL_REQUIRED is set but the SARIF Multitool is not installed (scripts/install-sarif-multitool.sh)")
		}
		t.Skip("SARIF Multitool not installed: run scripts/install-sarif-multitool.sh or set SARIF_MULTITOOL")
	}
	config, err := filepath.Abs(filepath.Join("testdata", "sarif-multitool-github.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for name, log := range cases(t) {
		t.Run(strings.TrimSuffix(name, ".sarif"), func(t *testing.T) {
			for _, p := range runMultitool(t, mt, config, log) {
				t.Error(p)
			}
		})
	}
	t.Run("catches_warnings", func(t *testing.T) {
		bad := strings.Replace(string(cases(t)["clean.sarif"]), `"semanticVersion"`, `"version": "devel", "semanticVersion"`, 1)
		if len(runMultitool(t, mt, config, []byte(bad))) == 0 {
			t.Error("a non-numeric tool version raised no SARIF2005 warning")
		}
	})
}

// runMultitool validates one log and returns its errors and warnings, read
// from the console output and from the validation log.
func runMultitool(t *testing.T, mt, config string, log []byte) []string {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.sarif"), filepath.Join(dir, "validation.sarif")
	if err := os.WriteFile(in, log, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mt, "validate", in, "-c", config, "--rule-kind", "Sarif;Ghas", "-o", out, "--log", "ForceOverwrite")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	console, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("multitool: %v\n%s", err, console)
	}
	var problems []string
	for _, m := range mtLine.FindAllStringSubmatch(string(console), -1) {
		problems = append(problems, "console: "+m[1]+" "+m[2]+": "+m[3])
	}
	if !strings.Contains(string(console), "1 files scanned") && !strings.Contains(string(console), "1 file scanned") {
		t.Fatalf("multitool did not read the file:\n%s", console)
	}
	return append(problems, validationLog(t, out)...)
}

// validationLog returns the error and warning results of the Multitool's
// own SARIF output.
func validationLog(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("multitool wrote no log: %v", err)
	}
	var v struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("multitool log: %v", err)
	}
	var problems []string
	for _, run := range v.Runs {
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				problems = append(problems, "multitool invocation not successful")
			}
		}
		for _, r := range run.Results {
			if r.Level == "" || r.Level == "error" || r.Level == "warning" {
				problems = append(problems, "log: "+r.Level+" "+r.RuleID+": "+r.Message.Text)
			}
		}
	}
	return problems
}
