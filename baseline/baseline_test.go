package baseline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/sarif"
)

func report(findings ...finding.Finding) *finding.Report {
	return &finding.Report{Files: []finding.FileResult{{Path: "m/a.pkl", Findings: findings}}}
}

func TestJSONBaseline(t *testing.T) {
	old := report(finding.Finding{Rule: finding.RuleUnknownClass, Severity: finding.Medium, Callable: "x.Net", Offset: 10})
	b, _ := json.Marshal(old)
	p := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	cur := report(
		finding.Finding{Rule: finding.RuleUnknownClass, Severity: finding.Medium, Callable: "x.Net", Offset: 99}, // moved
		finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Callable: "posix.system"},
	)
	set.Apply(cur)
	got := cur.Files[0].Findings
	if got[0].Baseline != "unchanged" || got[1].Baseline != "new" {
		t.Errorf("baseline states = %q, %q", got[0].Baseline, got[1].Baseline)
	}
	if got[0].Gating() || !got[1].Gating() {
		t.Error("only the new finding should gate")
	}
}

func TestSARIFBaseline(t *testing.T) {
	fp := finding.Fingerprint("m/a.pkl", finding.Finding{Rule: finding.RuleUnknownClass, Callable: "x.Net"})
	sarif := `{"version":"2.1.0","runs":[{"results":[{"ruleId":"MG003","properties":{"fingerprints":["` + fp + `"]}}]}]}`
	p := filepath.Join(t.TempDir(), "base.sarif")
	if err := os.WriteFile(p, []byte(sarif), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if set.BindsEvidence || !set.keys[fp] {
		t.Errorf("fingerprint %q not loaded as an older, loose baseline: %+v", fp, set)
	}
}

// TestSARIFBaselineEvidence: with evidence keys, a finding matches only
// with the same evidence.
func TestSARIFBaselineEvidence(t *testing.T) {
	fd := finding.Finding{Rule: finding.RuleDangerousCallable, Callable: "posix.system", Evidence: "posix.system('id')"}
	fp, key := finding.Fingerprint("m/a.pkl", fd), EvidenceKey("m/a.pkl", fd)
	sarif := `{"version":"2.1.0","runs":[{"results":[{"ruleId":"MG001","properties":{"fingerprints":["` + fp + `"],"evidence":["` + key + `"]}}]}]}`
	p := filepath.Join(t.TempDir(), "base.sarif")
	if err := os.WriteFile(p, []byte(sarif), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	other := fd
	other.Evidence = "posix.system('rm -rf ~')"
	cur := report(fd, other)
	set.Apply(cur)
	if got := cur.Files[0].Findings; got[0].Baseline != "unchanged" || got[1].Baseline != "new" {
		t.Errorf("baseline states = %q, %q", got[0].Baseline, got[1].Baseline)
	}
}

func TestLoadRejects(t *testing.T) {
	for name, body := range map[string]string{
		"not_json":      "hello",
		"other_json":    `{"a":1}`,
		"foreign_sarif": `{"runs":[{"results":[{"ruleId":"X"}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "b")
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(p); err == nil {
				t.Error("Load succeeded")
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
}

// TestEvidenceKeyAgrees: the SARIF writer and the baseline compute the
// same evidence-bound key, so a SARIF baseline binds the evidence.
func TestEvidenceKeyAgrees(t *testing.T) {
	fd := finding.Finding{Rule: finding.RuleDangerousCallable, Callable: "posix.system", Evidence: "posix.system('id')", Member: "a/data.pkl"}
	if got, want := sarif.EvidenceKey("m/a.pkl", fd), EvidenceKey("m/a.pkl", fd); got != want {
		t.Errorf("sarif.EvidenceKey %q, baseline.EvidenceKey %q", got, want)
	}
}
