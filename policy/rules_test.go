package policy

import (
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// TestRuleSeverities holds the severity table and the rule table equal:
// every rule has a default severity, and no severity names a rule that
// does not exist.
func TestRuleSeverities(t *testing.T) {
	rules := map[string]bool{}
	for _, r := range finding.Rules() {
		rules[r.ID] = true
		s, ok := ruleSeverity[r.ID]
		if !ok {
			t.Errorf("rule %s has no default severity", r.ID)
		}
		if s < finding.Low || s > finding.Critical {
			t.Errorf("rule %s has invalid severity %v", r.ID, s)
		}
	}
	for id := range ruleSeverity {
		if !rules[id] {
			t.Errorf("severity for %s, which is no rule", id)
		}
	}
}
