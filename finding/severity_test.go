package finding

import "testing"

func TestParseSeverityRoundTrip(t *testing.T) {
	for _, s := range []Severity{Low, Medium, High, Critical, None} {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", s.String(), got, err, s)
		}
	}
	if _, err := ParseSeverity("invalid"); err == nil {
		t.Error("ParseSeverity(\"invalid\") succeeded")
	}
}

func TestRuleTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
		if r.Name == "" || r.Short == "" || r.Full == "" || r.Help == "" {
			t.Errorf("rule %s lacks a description", r.ID)
		}
	}
}
