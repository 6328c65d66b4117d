package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/modelgate/modelgate/finding"
)

// TestIgnoreCritical: an ignore entry suppresses a critical finding only
// with force, and ReviewIgnores says so either way; a stale entry is
// warned about only when the scan covered every file.
func TestIgnoreCritical(t *testing.T) {
	today := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	j, err := New(Config{Source: ".modelgate.yml", Today: today, Ignore: []Ignore{
		{Rule: finding.RuleDangerousCallable, Path: "plain/**", Reason: "r1"},
		{Rule: finding.RuleDangerousCallable, Path: "forced/**", Reason: "r2", Force: true},
		{Rule: finding.RuleUnknownImport, Path: "stale/**", Reason: "r3"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	crit := finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Callable: "os.system"}
	if got := j.Decide("plain/a.pkl", crit); got.Suppression != nil {
		t.Errorf("critical finding suppressed without force: %+v", got)
	}
	if got := j.Decide("forced/a.pkl", crit); got.Suppression == nil || got.Suppression.Justification != "r2" {
		t.Errorf("critical finding not suppressed with force: %+v", got)
	}
	rep := &finding.Report{Files: []finding.FileResult{
		{Path: "plain/a.pkl", Findings: []finding.Finding{j.Decide("plain/a.pkl", crit)}},
		{Path: "forced/a.pkl", Findings: []finding.Finding{j.Decide("forced/a.pkl", crit)}},
	}}
	for _, tt := range []struct {
		name      string
		full      bool
		warnings  []string
		forcedKey string
	}{
		{"full_scan", true, []string{"ignore entry 1", "ignore entry 3 (MG004 on \"stale/**\") matched no finding"}, "ignore[1]"},
		{"partial_scan", false, []string{"ignore entry 1"}, "ignore[1]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			warnings, forced := j.ReviewEntries(rep, tt.full)
			if len(warnings) != len(tt.warnings) {
				t.Fatalf("warnings %q, want %d", warnings, len(tt.warnings))
			}
			for i, w := range tt.warnings {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d %q, want it to contain %q", i, warnings[i], w)
				}
			}
			if len(forced) != 1 || forced[0].Rule != finding.RuleForcedAllow || forced[0].Key != tt.forcedKey || forced[0].Severity != finding.Medium {
				t.Errorf("forced findings %+v", forced)
			}
		})
	}
}

// TestStaleAllow: after a full scan, an allow entry that matched no global
// is warned about; one that matched is not, nor is any after a partial
// scan (the global may be in a file out of scope).
func TestStaleAllow(t *testing.T) {
	j, err := New(Config{Allow: []Entry{
		{Global: "mypkg.models.Net", Reason: "ours"},
		{Global: "mypkg.old.*", Reason: "ours, once"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v := j.Classify(gl("mypkg.models", "Net")); v.Class != ClassSafe {
		t.Fatalf("allowed global judged %v", v.Class)
	}
	warnings, _ := j.ReviewEntries(&finding.Report{}, true)
	if len(warnings) != 1 || !strings.Contains(warnings[0], "allow entry 2 (mypkg.old.*) matched nothing") {
		t.Errorf("full scan: warnings %q, want one for mypkg.old.*", warnings)
	}
	if warnings, _ := j.ReviewEntries(&finding.Report{}, false); len(warnings) != 0 {
		t.Errorf("partial scan: warnings %q, want none", warnings)
	}
}
