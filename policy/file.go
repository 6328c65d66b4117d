package policy

import (
	"fmt"
	"slices"
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
	// Force lets the entry suppress critical findings, as force lets an
	// allow entry cover a known-dangerous global; such an entry is
	// reported (MG150) like a forced allow.
	Force bool
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
// first active ignore entry that covers it, which suppresses a critical
// finding only with force. Every finding of a scan passes through here,
// once.
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
	if i, ok := p.ignoreFor(path, f); ok && (f.Severity < finding.Critical || p.ignore[i].Force) {
		f.Suppression = &finding.Suppression{Kind: "external", Justification: p.ignore[i].Reason}
	}
	return f
}

// ignoreFor returns the index of the ignore entry that decides f, a
// finding of the file at path: the first active entry that covers it.
func (p *Judge) ignoreFor(path string, f finding.Finding) (int, bool) {
	for i, ig := range p.ignore {
		if ig.active(p.today) && ig.matches(path, f) {
			return i, true
		}
	}
	return -1, false
}

// ReviewEntries looks at the policy file's entries after a scan. It
// returns the findings on the policy file itself, for the caller to place
// (MG150: every allow entry accepted only with force, and every ignore
// entry that suppressed a critical finding by force), and warnings: a
// critical finding an ignore entry covers without force is not suppressed
// (Decide), and a warning says how to keep it ignored; and when the scan covered every file (full), an
// active ignore entry that covered no finding, and an allow entry that
// matched no global, are warned about, since a stale entry would hide
// whatever comes to match it later.
func (p *Judge) ReviewEntries(rep *finding.Report, full bool) (warnings []string, onFile []finding.Finding) {
	onFile = p.forcedAllows()
	files := rep.Files
	if len(onFile) > 0 { // an ignore entry may cover them too
		files = append(slices.Clip(files), finding.FileResult{Path: p.file, Findings: onFile})
	}
	used := make([]bool, len(p.ignore))
	byForce := make([]bool, len(p.ignore))
	for _, f := range files {
		for _, fd := range f.Findings {
			i, ok := p.ignoreFor(f.Path, fd)
			if !ok {
				continue
			}
			used[i] = true
			switch ig := p.ignore[i]; {
			case fd.Severity < finding.Critical:
			case ig.Force:
				byForce[i] = true
			default:
				warnings = append(warnings, fmt.Sprintf("ignore entry %d (%s on %q) does not suppress the critical finding in %s: ignoring critical findings needs force: true, as allowing a dangerous global does",
					i+1, ig.Rule, ig.Path, f.Path))
			}
		}
	}
	for i, ig := range p.ignore {
		if byForce[i] {
			onFile = append(onFile, p.Decide(p.file, finding.Finding{Rule: finding.RuleForcedAllow, Offset: -1, Key: fmt.Sprintf("ignore[%d]", i),
				Message: fmt.Sprintf("the policy file ignores critical %s findings on %q by force (reason: %s)", ig.Rule, ig.Path, ig.Reason)}))
		}
		if full && !used[i] && ig.active(p.today) {
			warnings = append(warnings, fmt.Sprintf("ignore entry %d (%s on %q) matched no finding: remove it, or it will hide a future finding nobody reviewed", i+1, ig.Rule, ig.Path))
		}
	}
	for i, pt := range p.allow {
		if full && !p.allowUsed[i].Load() {
			warnings = append(warnings, fmt.Sprintf("allow entry %d (%s) matched nothing in the scan: remove it, or it will pass a future global nobody reviewed", i+1, pt.entry.Global))
		}
	}
	return warnings, onFile
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

// forcedAllows returns the findings on the policy file for its allow
// entries that cover a known-dangerous global and were accepted only with
// force.
func (p *Judge) forcedAllows() []finding.Finding {
	var out []finding.Finding
	for _, e := range p.forced {
		out = append(out, p.Decide(p.file, finding.Finding{Rule: finding.RuleForcedAllow, Offset: -1, Callable: e.Global,
			Message: fmt.Sprintf("the policy file allows the known-dangerous global %s by force (reason: %s)", e.Global, e.Reason)}))
	}
	return out
}
