package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/modelgate/modelgate/config"
	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
)

// rulesTable renders the rule table of the README from finding.Rules().
func rulesTable() string {
	var b strings.Builder
	b.WriteString("| ID | Name | Severity | What it finds | CWE |\n| --- | --- | --- | --- | --- |\n")
	sev := policy.RuleSeverities()
	for _, r := range finding.Rules() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", r.ID, r.Name, sev[r.ID], r.Short, strings.Join(r.CWE, ", "))
	}
	return b.String()
}

func TestReadmeRuleTable(t *testing.T) {
	path := filepath.Join(repoRoot(t), "README.md")
	readme := readFile(t, path)
	start := strings.Index(readme, "<!-- rules:start")
	end := strings.Index(readme, "<!-- rules:end -->")
	if start < 0 || end < start {
		t.Fatal("README.md lacks the rules:start/rules:end markers")
	}
	start += strings.Index(readme[start:], "\n") + 1
	if *update {
		readme = readme[:start] + rulesTable() + readme[end:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(rulesTable(), readme[start:end]); diff != "" {
		t.Errorf("README rule table differs from finding.Rules() (go test ./internal/cli -update) (-want +got):\n%s", diff)
	}
}

// TestReadmePolicyExample parses the README's .modelgate.yml example with
// the real parser.
func TestReadmePolicyExample(t *testing.T) {
	readme := readFile(t, filepath.Join(repoRoot(t), "README.md"))
	_, after, ok := strings.Cut(readme, "## Allowing your own classes")
	if !ok {
		t.Fatal("README lacks the policy file section")
	}
	_, block, ok := strings.Cut(after, "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("README lacks the policy file example")
	}
	if _, err := config.Parse([]byte(block)); err != nil {
		t.Errorf("README's policy example does not parse: %v", err)
	}
}
