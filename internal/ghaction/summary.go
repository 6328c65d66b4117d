package ghaction

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/report"
)

// MaxSummaryRows is how many findings the step summary lists.
const MaxSummaryRows = 20

// SummaryOptions are what the step summary says besides the report.
type SummaryOptions struct {
	FailOn    finding.Severity
	Failed    bool   // the gate failed
	SarifFile string // where the SARIF log is, when written
	Policy    string // the policy file used, or that there is none
	Version   string // modelgate's version
	// Warnings say that the gate may have missed something (nothing
	// scanned, a pattern that matched nothing).
	Warnings []string
}

// Summary returns the Markdown step summary of a scan: the gate's verdict,
// files by format, findings by severity and a table of the most severe
// findings.
func Summary(r *finding.Report, o SummaryOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## modelgate: %s\n\n", headline(r, o))
	threshold := "never fails (fail-on: none)"
	if o.FailOn != finding.None {
		threshold = fmt.Sprintf("fails on findings of severity %s or higher", o.FailOn)
	}
	fmt.Fprintf(&b, "%s. The gate %s.", md(report.SummaryLine(r.Summary)), threshold)
	if o.SarifFile != "" {
		fmt.Fprintf(&b, " SARIF: `%s`.", strings.ReplaceAll(report.Clean(o.SarifFile), "`", "'"))
	}
	if o.Policy != "" {
		fmt.Fprintf(&b, " Policy: %s.", md(o.Policy))
	}
	if o.Version != "" {
		fmt.Fprintf(&b, " modelgate %s.", md(o.Version))
	}
	b.WriteString("\n\n")
	for _, w := range o.Warnings {
		fmt.Fprintf(&b, "> [!WARNING]\n> %s\n\n", md(w))
	}
	b.WriteString("| Format | Files |\n| --- | ---: |\n")
	formats := make([]string, 0, len(r.Summary.ByFormat))
	for f := range r.Summary.ByFormat {
		formats = append(formats, f)
	}
	slices.Sort(formats)
	for _, f := range formats {
		fmt.Fprintf(&b, "| %s | %d |\n", md(f), r.Summary.ByFormat[f])
	}
	fmt.Fprintf(&b, "| other files (skipped) | %d |\n\n", r.Summary.Skipped)

	b.WriteString("| Severity | Findings |\n| --- | ---: |\n")
	for _, s := range []finding.Severity{finding.Critical, finding.High, finding.Medium, finding.Low} {
		fmt.Fprintf(&b, "| %s | %d |\n", s, r.Summary.BySeverity[s.String()])
	}
	if r.Summary.Suppressed > 0 {
		fmt.Fprintf(&b, "| suppressed by the policy file | %d |\n", r.Summary.Suppressed)
	}
	if r.Summary.Unchanged > 0 {
		fmt.Fprintf(&b, "| already in the baseline | %d |\n", r.Summary.Unchanged)
	}
	b.WriteString("\n")

	gating := Gating(r)
	if len(gating) == 0 {
		b.WriteString("No findings count towards the gate.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "### Top findings\n\n| Severity | Rule | File | Member | Callable | Offset |\n| --- | --- | --- | --- | --- | ---: |\n")
	for i, l := range gating {
		if i == MaxSummaryRows {
			fmt.Fprintf(&b, "\n%d more findings are in the SARIF file.\n", len(gating)-MaxSummaryRows)
			break
		}
		offset := ""
		if l.Offset >= 0 {
			offset = fmt.Sprint(l.Offset)
		}
		fmt.Fprintf(&b, "| %s | %s %s | %s | %s | %s | %s |\n", l.Severity, l.Rule, ruleName(l.Rule),
			md(l.path), md(l.Member), md(cmp.Or(l.Evidence, l.Callable)), offset)
	}
	return b.String()
}

// headline is the verdict at the top of the summary. It tells the truth
// when the gate cannot fail: "3 critical findings, not failing: fail-on
// is none", never "passed".
func headline(r *finding.Report, o SummaryOptions) string {
	switch {
	case o.Failed:
		return "failed"
	case r.Summary.Findings == 0:
		return "passed"
	}
	worst := cmp.Or(r.Summary.Highest, "none")
	n := r.Summary.BySeverity[worst]
	what := fmt.Sprintf("%d %s %s", n, worst, plural(n, "finding", "findings"))
	if o.FailOn == finding.None {
		return what + ", not failing: fail-on is none"
	}
	return fmt.Sprintf("passed with %s, below fail-on %s", what, o.FailOn)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// FailureSummary is the step summary of a run that could not do its work
// (exit 2): what went wrong, and that nothing was judged.
func FailureSummary(msg, version string) string {
	return fmt.Sprintf("## modelgate: error\n\nThe scan did not complete, so nothing was judged: %s\n\nmodelgate %s.\n", md(msg), md(version))
}

// md makes a string from the scanned tree inert in GitHub Markdown: control
// characters are escaped by report.Clean, then every ASCII punctuation
// character is backslash-escaped (CommonMark allows it for all of them), so
// that no emphasis, link, HTML tag, entity or table pipe can form.
func md(s string) string {
	s = report.Clean(s)
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && isPunct(byte(r)) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}
