package cli

import (
	"testing"

	"github.com/modelgate/modelgate/finding"
)

func TestGateFails(t *testing.T) {
	report := func(fds ...finding.Finding) *finding.Report {
		return &finding.Report{Files: []finding.FileResult{{Path: "m.pkl", Findings: fds}}}
	}
	high := finding.Finding{Rule: finding.RuleUnknownCall, Severity: finding.High}
	low := finding.Finding{Rule: finding.RuleTrailingData, Severity: finding.Low}
	suppressedCritical := finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical,
		Suppression: &finding.Suppression{Kind: "external", Justification: "reviewed"}}
	knownCritical := finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Baseline: "unchanged"}
	newCritical := finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Baseline: "new"}
	tests := []struct {
		name   string
		report *finding.Report
		fails  map[finding.Severity]bool // by --fail-on
	}{
		{"no_findings", report(), map[finding.Severity]bool{}},
		{"high", report(high), map[finding.Severity]bool{finding.Low: true, finding.Medium: true, finding.High: true}},
		{"low", report(low), map[finding.Severity]bool{finding.Low: true}},
		{"suppressed_never_gates", report(suppressedCritical, low), map[finding.Severity]bool{finding.Low: true}},
		{"baseline_unchanged_never_gates", report(knownCritical), map[finding.Severity]bool{}},
		{"baseline_new_gates", report(newCritical),
			map[finding.Severity]bool{finding.Low: true, finding.Medium: true, finding.High: true, finding.Critical: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, failOn := range []finding.Severity{finding.Low, finding.Medium, finding.High, finding.Critical, finding.None} {
				if got := gateFails(tt.report, failOn); got != tt.fails[failOn] {
					t.Errorf("--fail-on=%s: gate fails %v, want %v", failOn, got, tt.fails[failOn])
				}
			}
		})
	}
}

// TestExitStatusByFailOn runs the scan over one high finding (an LFS
// pointer) with each --fail-on.
func TestExitStatusByFailOn(t *testing.T) {
	tree := map[string]string{"models/model.bin": lfsPointer}
	tests := []struct {
		name, failOn string
		code         int
	}{
		{"default", "", exitFailed},
		{"critical", "critical", exitOK},
		{"high", "high", exitFailed},
		{"medium", "medium", exitFailed},
		{"low", "low", exitFailed},
		{"none", "none", exitOK},
		{"upper_case", "CRITICAL", exitOK},
		{"unknown", "severe", exitProblem},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, writeTree(t, tree), nil, "scan", "--fail-on="+tt.failOn)
			if r.code != tt.code {
				t.Errorf("--fail-on=%s: exit %d, want %d\n%s%s", tt.failOn, r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}
