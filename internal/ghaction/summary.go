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
	FailOn finding.Severity
	Failed bool // the gate failed
	// Empty is set when the gate failed because nothing was scanned, or a
	// path or pattern matched nothing (fail-on-empty).
	Empty     bool
	SarifFile string // where the SARIF log is, when written
	Policy    string // the policy file used; "" for none
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
	fmt.Fprintf(&b, "%s. The gate %s.", text(report.SummaryLine(r.Summary)), threshold)
	if o.SarifFile != "" {
		fmt.Fprintf(&b, " SARIF: `%s`.", strings.ReplaceAll(report.Clean(o.SarifFile), "`", "'"))
	}
	if o.Policy == "" {
		b.WriteString(" Policy: no policy file.")
	} else {
		fmt.Fprintf(&b, " Policy: %s.", code(o.Policy))
	}
	if o.Version != "" {
		fmt.Fprintf(&b, " modelgate %s.", text(o.Version))
	}
	b.WriteString("\n\n")
	for _, w := range o.Warnings {
		fmt.Fprintf(&b, "> [!WARNING]\n> %s\n\n", text(w))
	}
	b.WriteString("| Format | Files |\n| --- | ---: |\n")
	formats := make([]string, 0, len(r.Summary.ByFormat))
	for f := range r.Summary.ByFormat {
		formats = append(formats, f)
	}
	slices.Sort(formats)
	for _, f := range formats {
		fmt.Fprintf(&b, "| %s | %d |\n", text(f), r.Summary.ByFormat[f])
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
			code(l.path), code(l.Member), code(cmp.Or(l.Evidence, l.Callable)), offset)
	}
	writeNextSteps(&b, gating)
	return b.String()
}

// writeNextSteps lists what to do about the findings that count towards
// the gate: one line per next step, with the rules it answers.
func writeNextSteps(b *strings.Builder, gating []located) {
	var steps []string
	rules := map[string][]string{}
	for _, l := range gating {
		next := report.NextStep(l.Rule)
		if next == "" {
			continue
		}
		if _, ok := rules[next]; !ok {
			steps = append(steps, next)
		}
		if !slices.Contains(rules[next], l.Rule) {
			rules[next] = append(rules[next], l.Rule)
		}
	}
	if len(steps) == 0 {
		return
	}
	b.WriteString("\n### Next steps\n\n")
	for _, next := range steps {
		fmt.Fprintf(b, "- %s: %s\n", strings.Join(rules[next], ", "), text(next))
	}
}

// headline is the verdict at the top of the summary. It tells the truth
// when the gate cannot fail: "3 critical findings, not failing: fail-on
// is none", never "passed".
func headline(r *finding.Report, o SummaryOptions) string {
	switch {
	case o.Failed && o.Empty && r.Summary.Findings == 0:
		return "failed: nothing or not everything was scanned (fail-on-empty)"
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
	return fmt.Sprintf("## modelgate: error\n\nThe scan did not complete, so nothing was judged: %s\n\nmodelgate %s.\n", text(msg), text(version))
}

// code renders a string from the scanned tree as an inline code span:
// inert in GitHub Markdown (no emphasis, link, HTML or entity forms inside
// one) and readable in the Markdown source too. Control characters are
// escaped by report.Clean; a pipe is escaped, as a table cell needs even
// inside code; the fence is longer than any run of backticks inside.
func code(s string) string {
	s = strings.ReplaceAll(report.Clean(s), "|", `\|`)
	if s == "" {
		return ""
	}
	run, longest := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// text escapes our own words (which may quote a pattern or a path) for
// Markdown: only the characters that can start markup, so that the source
// stays readable, and "://" and "www." so that nothing becomes a link.
func text(s string) string {
	s = report.Clean(s)
	var b strings.Builder
	for i, r := range s {
		if r < 0x80 && strings.ContainsRune("\\`*_[]<>&|~#!", r) || i == 0 && strings.ContainsRune("-+=>", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := strings.ReplaceAll(b.String(), "://", `\:\/\/`)
	return strings.ReplaceAll(out, "www.", `www\.`)
}

// NotesSection renders the notes of a run as a Markdown list (notes quote
// git's messages and revisions, so they are escaped as text).
func NotesSection(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n### Notes\n\n")
	for _, n := range notes {
		fmt.Fprintf(&b, "- %s\n", text(n))
	}
	return b.String()
}
