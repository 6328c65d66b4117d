package policy

import (
	"fmt"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/modelgate/modelgate/finding"
)

// Ignore is a reviewed exception of the policy file: the findings of Rule
// under the Path glob (narrowed to a Member glob or a Callable when set)
// are still reported, but suppressed, until Expires.
type Ignore struct {
	Rule, Path, Member, Callable, Reason string
	// Expires is the last day the entry suppresses; zero for never.
	Expires time.Time
}

// active reports whether the entry still suppresses on day today.
func (ig Ignore) active(today time.Time) bool {
	return ig.Expires.IsZero() || !today.After(ig.Expires)
}

func (ig Ignore) matches(path string, fd finding.Finding) bool {
	if ig.Rule != fd.Rule {
		return false
	}
	if ok, _ := doublestar.Match(ig.Path, path); !ok {
		return false
	}
	if ig.Member != "" {
		if ok, _ := doublestar.Match(ig.Member, fd.Member); !ok {
			return false
		}
	}
	return ig.Callable == "" || ig.Callable == fd.Callable
}

// Decide gives a finding of the file at path its final severity and
// suppression: the severity the judgement set, or the rule's default when
// it set none; then the policy file's override for the rule; then the
// first active ignore entry that covers it. Every finding of a scan passes
// through here, once.
func (p *Judge) Decide(path string, f finding.Finding) finding.Finding {
	if f.Severity == finding.SeverityInvalid {
		f.Severity = ruleSeverity[f.Rule]
	}
	if s, ok := p.severity[f.Rule]; ok {
		f.Severity = s
	}
	// The oracle's test build (-tags oraclemutant, oraclemutant.go) switches
	// one rule off to show that the oracle then finds a bypass; the shipped
	// build has no such method and this does nothing.
	if m, ok := any(p).(interface{ mutate(*finding.Finding) }); ok {
		m.mutate(&f)
	}
	for _, ig := range p.ignore {
		if ig.active(p.today) && ig.matches(path, f) {
			f.Suppression = &finding.Suppression{Kind: "external", Justification: ig.Reason}
			break
		}
	}
	return f
}

// Warnings returns what the user should know about the policy file itself:
// ignore entries whose date has passed and no longer suppress anything.
func (p *Judge) Warnings() []string {
	var out []string
	for _, ig := range p.ignore {
		if !ig.active(p.today) {
			out = append(out, fmt.Sprintf("ignore entry for %s on %q expired on %s and no longer suppresses findings",
				ig.Rule, ig.Path, ig.Expires.Format(time.DateOnly)))
		}
	}
	return out
}

// ForcedFindings returns the findings on the policy file itself: one for
// every allow entry that covers a known-dangerous global and was accepted
// only with force. ok is false when there are none.
func (p *Judge) ForcedFindings() (res finding.FileResult, ok bool) {
	if len(p.forced) == 0 {
		return res, false
	}
	res = finding.FileResult{Path: p.file, Format: "policy", Status: finding.StatusScanned, Members: []string{}}
	for _, e := range p.forced {
		res.Findings = append(res.Findings, p.Decide(p.file, finding.Finding{Rule: finding.RuleForcedAllow, Offset: -1, Callable: e.Global,
			Message: fmt.Sprintf("the policy file allows the known-dangerous global %s by force (reason: %s)", e.Global, e.Reason)}))
	}
	return res, true
}
