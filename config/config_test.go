package config

import (
	"strings"
	"testing"
	"time"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

const full = `
allow:
  - global: mypkg.models.Net        # exact
    reason: our own model class
  - global: mypkg.layers.*
    reason: our layers
deny:
  - global: mypkg.tools.run_shell
    reason: runs a shell
severity:
  MG003: high
ignore:
  - rule: MG004
    path: "models/legacy/**"
    reason: reviewed, tracked elsewhere
    expires: 2027-01-31
paths:
  include: ["**"]
  exclude: ["third_party/**"]
limits:
  max_depth: 6
`

func TestParseFull(t *testing.T) {
	f, err := Parse([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Allow) != 2 || f.Allow[1].Global != "mypkg.layers.*" || f.Deny[0].Reason != "runs a shell" {
		t.Errorf("allow/deny parsed wrong: %+v %+v", f.Allow, f.Deny)
	}
	if f.Ignore[0].Expires.Format(time.DateOnly) != "2027-01-31" {
		t.Errorf("expires = %v", f.Ignore[0].Expires)
	}
	if got := f.ApplyLimits(scan.DefaultLimits()).MaxDepth; got != 6 {
		t.Errorf("max_depth = %d, want 6", got)
	}
	if f.Paths.Exclude[0] != "third_party/**" {
		t.Errorf("paths = %+v", f.Paths)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown_key", "alow: []\n", `line 1: unknown key "alow" at the top level`},
		{"unknown_entry_key", "allow:\n  - global: a.b\n    reason: x\n    why: y\n", `line 4: unknown key "why" in an allow or deny entry`},
		{"unknown_limit", "limits:\n  max_depht: 3\n", `unknown key "max_depht" under limits`},
		{"not_yaml", "allow: [\n", "not valid YAML"},
		{"wrong_type", "limits:\n  max_depth: many\n", "line 2: cannot unmarshal"},
		{"zero_limit", "limits:\n  max_members: 0\n", "max_members must be positive"},
		{"missing_reason", "allow:\n  - global: a.b\n", "reason is required"},
		{"bad_global", "deny:\n  - global: 'os system'\n    reason: x\n", "not a dotted name"},
		{"bare_module", "allow:\n  - global: os\n    reason: x\n", "not a dotted name"},
		{"unknown_rule", "severity:\n  MG999: high\n", "unknown rule"},
		{"bad_severity", "severity:\n  MG003: severe\n", "not critical"},
		{"ignore_without_reason", "ignore:\n  - rule: MG004\n    path: '**'\n", "reason is required"},
		{"bad_date", "ignore:\n  - rule: MG004\n    path: '**'\n    reason: x\n    expires: soon\n", "not a date"},
		{"bad_glob", "paths:\n  exclude: ['[']\n", "not a valid glob"},
		{"negative_limit", "limits:\n  max_depth: -1\n", "positive"},
		{"force_on_deny", "deny:\n  - global: a.b\n    reason: x\n    force: true\n", "force applies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	if _, err := Parse(nil); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

// TestPolicyConfig checks that the file's severity overrides and ignore
// entries reach the judge: what it decides for each finding, before and
// after an entry's expiry date.
func TestPolicyConfig(t *testing.T) {
	f, err := Parse([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	decide := func(today time.Time) (*policy.Judge, func(path string, fd finding.Finding) finding.Finding) {
		j, err := policy.New(f.PolicyConfig(DefaultName, today))
		if err != nil {
			t.Fatal(err)
		}
		return j, j.Decide
	}
	legacyImport := finding.Finding{Rule: finding.RuleUnknownImport, Severity: finding.Medium, Callable: "x.y"}
	legacyClass := finding.Finding{Rule: finding.RuleUnknownClass, Severity: finding.Medium, Callable: "x.Z"}
	before := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	j, d := decide(before)
	if w := j.Warnings(); len(w) != 0 {
		t.Errorf("warnings before expiry: %v", w)
	}
	if got := d("models/legacy/a.pkl", legacyImport); got.Suppression == nil || got.Suppression.Justification != "reviewed, tracked elsewhere" {
		t.Errorf("legacy MG004 not suppressed: %+v", got)
	}
	if got := d("models/legacy/a.pkl", legacyClass); got.Suppression != nil || got.Severity != finding.High {
		t.Errorf("MG003 should be unsuppressed and raised to high: %+v", got)
	}
	if got := d("models/new/b.pkl", legacyImport); got.Suppression != nil {
		t.Error("finding outside the ignored path was suppressed")
	}
	j, d = decide(before.AddDate(0, 0, 1))
	if w := j.Warnings(); len(w) != 1 || !strings.Contains(w[0], "expired") {
		t.Errorf("warnings after expiry = %v", w)
	}
	if got := d("models/legacy/a.pkl", legacyImport); got.Suppression != nil {
		t.Error("expired ignore entry still suppresses")
	}
}

func TestStarter(t *testing.T) {
	rep := &finding.Report{Files: []finding.FileResult{{Findings: []finding.Finding{
		{Rule: finding.RuleUnknownClass, Callable: "mypkg.models.Net"},
		{Rule: finding.RuleUnknownClass, Callable: "mypkg.models.Net"},
		{Rule: finding.RuleUnknownCall, Callable: "mypkg.util.make"},
		{Rule: finding.RuleDangerousCallable, Callable: "posix.system"},
	}}}}
	out := Starter(rep)
	f, err := Parse(out)
	if err != nil {
		t.Fatalf("starter file does not parse: %v\n%s", err, out)
	}
	if len(f.Allow) != 2 || f.Allow[0].Global != "mypkg.models.Net" || f.Allow[0].Reason != "TODO" {
		t.Errorf("allow = %+v", f.Allow)
	}
	if !strings.Contains(string(out), "#   posix.system") {
		t.Errorf("dangerous callable not listed for review:\n%s", out)
	}
}
