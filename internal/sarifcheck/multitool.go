package sarifcheck

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ConfigFile is the name, in the testdata folder, of the Multitool
// configuration that switches on GitHub's rules GH1001-GH1007.
const ConfigFile = "sarif-multitool-github.xml"

// Multitool finds Microsoft's SARIF Multitool: $SARIF_MULTITOOL, the folder
// scripts/install-sarif-multitool.sh installs into ($SARIF_TOOLS_DIR or
// ~/.cache/sarif-tools), or PATH; "" when it is not installed. With
// SARIF_MULTITOOL_REQUIRED set (CI), a missing Multitool fails t.
func Multitool(t testing.TB) string {
	t.Helper()
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
	if os.Getenv("SARIF_MULTITOOL_REQUIRED") != "" {
		t.Fatal("SARIF_MULTITOOL_REQUIRED is set but the SARIF Multitool is not installed (scripts/install-sarif-multitool.sh)")
	}
	return ""
}

// mtLine is a diagnostic line of `Sarif.Multitool validate`:
// /path/file.sarif(12,34): error SARIF1001: runs[0]...: text
var mtLine = regexp.MustCompile(`(?m)^.*: (error|warning) ([A-Za-z]+[0-9]+): (.*)$`)

// Problems validates one log with `Sarif.Multitool validate --rule-kind
// "Sarif;Ghas"` and the configuration in dir, and returns its errors and
// warnings. The Multitool exits 0 whatever it finds and skips files it
// cannot read, so both its console output and the log it writes are read,
// and a file it did not scan fails t.
func Problems(t testing.TB, mt, dir string, log []byte) []string {
	t.Helper()
	tmp := t.TempDir()
	in, out := filepath.Join(tmp, "in.sarif"), filepath.Join(tmp, "validation.sarif")
	if err := os.WriteFile(in, log, 0o644); err != nil {
		t.Fatal(err)
	}
	config, err := filepath.Abs(filepath.Join(dir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(mt, "validate", in, "-c", config, "--rule-kind", "Sarif;Ghas", "-o", out, "--log", "ForceOverwrite")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	console, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("multitool: %v\n%s", err, console)
	}
	var problems []string
	for _, m := range mtLine.FindAllStringSubmatch(string(console), -1) {
		problems = append(problems, "multitool console: "+m[1]+" "+m[2]+": "+m[3])
	}
	if !strings.Contains(string(console), "1 files scanned") && !strings.Contains(string(console), "1 file scanned") {
		t.Fatalf("multitool did not read the file:\n%s", console)
	}
	return append(problems, validationLog(t, out)...)
}

// validationLog returns the error and warning results of the Multitool's
// own SARIF output.
func validationLog(t testing.TB, path string) []string {
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
				problems = append(problems, "multitool log: "+r.Level+" "+r.RuleID+": "+r.Message.Text)
			}
		}
	}
	return problems
}
