package sarif

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	gosarif "github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/report"
)

// ToolName is tool.driver.name.
const ToolName = "modelgate"

// InformationURI is tool.driver.informationUri.
const InformationURI = "https://github.com/modelgate/modelgate"

// MaxRelated is the number of other occurrences of a rule in a file that
// are listed as related locations; the message counts the rest.
const MaxRelated = 100

// Options controls the SARIF log.
type Options struct {
	// Version is the tool version, "devel" for a build without one.
	Version string
	// Category, when set, becomes runs[0].automationDetails.id (with a
	// trailing "/" added, as github/codeql-action does) so that several
	// analyses of one commit do not replace each other.
	Category string
	// RuleSeverities is the default severity of every rule, as the policy
	// decides it (policy.RuleSeverities): the writer shows it as each
	// rule's level and decides none itself.
	RuleSeverities map[string]finding.Severity
	// PolicyFile names the policy file the findings were judged by, or
	// says there was none; it becomes the run property policyFile.
	PolicyFile string
	// Notifications are said in invocations[0].toolExecutionNotifications.
	Notifications []Notification
	// SourceRoot is the absolute path of the repository root, given as
	// originalUriBaseIds' %SRCROOT% (left out when empty, as in tests).
	SourceRoot string
	// URIPrefix is the working directory relative to the repository root
	// ("" when they are the same): report paths are relative to the
	// working directory, artifact locations to the root.
	URIPrefix string
}

// Write writes r as a SARIF 2.1.0 log to w.
func Write(w io.Writer, r *finding.Report, opts Options) error {
	log, err := Build(r, opts)
	if err != nil {
		return err
	}
	return encode(w, log)
}

// Build returns r as a go-sarif report.
func Build(r *finding.Report, opts Options) (*gosarif.Report, error) {
	log, err := gosarif.New(gosarif.Version210)
	if err != nil {
		return nil, fmt.Errorf("new sarif log: %w", err)
	}
	version := cmp.Or(opts.Version, "devel")
	// version as semanticVersion: the Multitool (SARIF2005) wants one
	// that starts with a digit, and a Go module version starts with "v".
	driver := gosarif.NewDriver(ToolName).
		WithVersion(semanticVersion(version)).
		WithSemanticVersion(semanticVersion(version)).
		WithInformationURI(InformationURI)
	index := map[string]int{}
	for i, rule := range finding.Rules() {
		sev, ok := opts.RuleSeverities[rule.ID]
		if !ok {
			return nil, fmt.Errorf("rule %s has no default severity", rule.ID)
		}
		driver.AddRule(descriptor(rule, sev))
		index[rule.ID] = i
	}
	run := gosarif.NewRun(*gosarif.NewTool(driver))
	if opts.Category != "" {
		id := opts.Category
		if !strings.HasSuffix(id, "/") {
			id += "/"
		}
		run.WithAutomationDetails(gosarif.NewRunAutomationDetails().WithID(id))
	}
	for _, g := range groups(r) {
		ri, ok := index[g.rule]
		if !ok {
			return nil, fmt.Errorf("finding in %s names unknown rule %q", g.path, g.rule)
		}
		run.Results = append(run.Results, result(g, ri, opts.URIPrefix))
	}
	describeRun(run, r, opts)
	log.AddRun(run)
	return log, nil
}

// semanticVersion turns a Go module version ("v1.2.3", "devel") into a
// SemVer string ("1.2.3", "0.0.0-devel").
func semanticVersion(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v == "devel" || v == "(devel)" {
		return "0.0.0-devel"
	}
	return v
}

// group is the findings of one rule in one file that share a state:
// suppressed or not, and their baseline state.
type group struct {
	path, rule string
	suppressed bool
	baseline   string
	findings   []finding.Finding // sorted, primary first
}

// groups collects findings into one group per file, rule, suppression and
// baseline state, ordered by those keys.
func groups(r *finding.Report) []*group {
	type key struct {
		path, rule string
		suppressed bool
		baseline   string
	}
	byKey := map[key]*group{}
	var out []*group
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			k := key{f.Path, fd.Rule, fd.Suppression != nil, fd.Baseline}
			g := byKey[k]
			if g == nil {
				g = &group{path: f.Path, rule: fd.Rule, suppressed: k.suppressed, baseline: fd.Baseline}
				byKey[k] = g
				out = append(out, g)
			}
			g.findings = append(g.findings, fd)
		}
	}
	for _, g := range out {
		slices.SortStableFunc(g.findings, report.CompareFindings)
	}
	slices.SortFunc(out, func(a, b *group) int {
		return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(a.rule, b.rule),
			compareBool(a.suppressed, b.suppressed), cmp.Compare(a.baseline, b.baseline))
	})
	return out
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Level is the SARIF level for a severity: error for critical and high,
// warning for medium, note for low.
func Level(s finding.Severity) string {
	switch {
	case s >= finding.High:
		return "error"
	case s == finding.Medium:
		return "warning"
	default:
		return "note"
	}
}

// SecuritySeverity is the security-severity property for a severity, a
// number well inside GitHub's band for it.
func SecuritySeverity(s finding.Severity) string {
	switch s {
	case finding.Critical:
		return "9.8"
	case finding.High:
		return "8.0"
	case finding.Medium:
		return "5.5"
	default:
		return "2.0"
	}
}
