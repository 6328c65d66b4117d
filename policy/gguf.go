package policy

import (
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/gguf"
)

// Template judges the chat template kv by the constructs the template
// inspection found in it (gguf.InspectTemplate): one that reaches Python
// internals is template injection; others that chat templates do not need
// are unusual.
func (p *Judge) Template(kv gguf.KV, found []gguf.Construct) []finding.Finding {
	var hostile, odd []string
	for _, c := range found {
		if c.Hostile {
			hostile = append(hostile, c.What)
		} else {
			odd = append(odd, c.What)
		}
	}
	key := finding.Quote(kv.Key, 200)
	switch {
	case len(hostile) > 0:
		return []finding.Finding{{Rule: finding.RuleGGUFTemplate, Offset: kv.Offset, Key: finding.Plain(kv.Key), Evidence: finding.Quote(strings.Join(hostile, "; "), 300),
			Message: "chat template " + key + " reaches Python internals (server-side template injection): " + finding.Quote(strings.Join(hostile, "; "), 300)}}
	case len(odd) > 0:
		return []finding.Finding{{Rule: finding.RuleGGUFTemplateOdd, Offset: kv.Offset, Key: finding.Plain(kv.Key), Evidence: finding.Quote(strings.Join(odd, "; "), 300),
			Message: "chat template " + key + " uses constructs chat templates do not need: " + finding.Quote(strings.Join(odd, "; "), 300)}}
	}
	return nil
}
