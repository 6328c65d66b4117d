package scan

import "github.com/modelgate/modelgate/scan/pickle"

// Policy judges pickle facts. Interim: replaced by the full policy.
type Policy struct{}

// DefaultPolicy returns the built-in policy.
func DefaultPolicy() *Policy { return &Policy{} }

// Pickle turns the facts of one stream into findings.
func (p *Policy) Pickle(res *pickle.Result) []Finding {
	var out []Finding
	for _, im := range res.Imports {
		out = append(out, Finding{Rule: RuleUnknownImport, Severity: Medium, Offset: im.Offset, Callable: im.Global.String(),
			Message: "imports " + im.Global.String()})
	}
	return out
}
