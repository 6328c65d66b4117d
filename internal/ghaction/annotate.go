package ghaction

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/report"
)

// MaxAnnotations is how many annotations of one level are printed: GitHub
// shows 10 errors, 10 warnings and 10 notices per step.
const MaxAnnotations = 10

// Command is the workflow command of an annotation: error for critical and
// high, warning for medium, notice for low.
func Command(s finding.Severity) string {
	switch {
	case s >= finding.High:
		return "error"
	case s == finding.Medium:
		return "warning"
	}
	return "notice"
}

// located is a finding with its file.
type located struct {
	path string
	finding.Finding
}

// Gating returns the findings that count towards the gate, most severe
// first, then by path, rule, member and offset.
func Gating(r *finding.Report) []located {
	var out []located
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			if fd.Gating() {
				out = append(out, located{f.Path, fd})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b located) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.path, b.path), report.CompareFindings(a.Finding, b.Finding))
	})
	return out
}

// Annotate prints ::error/::warning/::notice commands with file= for the
// most severe findings, at most MaxAnnotations per level, and a plain line
// saying how many were left out. Occurrences that differ only by offset
// are annotated once.
func Annotate(w io.Writer, r *finding.Report) error {
	ew := &errWriter{w: w}
	a := githubactions.New(githubactions.WithWriter(ew))
	count := map[string]int{}
	seen := map[string]bool{}
	left := 0
	for _, l := range Gating(r) {
		// One annotation per rule, file, member and callable: the same call
		// at forty offsets is one problem.
		fp := finding.Fingerprint(l.path, l.Finding)
		if seen[fp] {
			continue
		}
		seen[fp] = true
		cmd := Command(l.Severity)
		if count[cmd] == MaxAnnotations {
			left++
			continue
		}
		count[cmd]++
		title := fmt.Sprintf("%s %s (%s)", l.Rule, ruleName(l.Rule), l.Severity)
		a.IssueCommand(&githubactions.Command{
			Name:       cmd,
			Properties: githubactions.CommandProperties{"file": report.Clean(l.path), "title": title},
			Message:    annotation(l.Finding),
		})
	}
	if left > 0 {
		fmt.Fprintf(ew, "modelgate: %d more findings are not annotated; see the step summary and the SARIF file\n", left)
	}
	return ew.err
}

// Warn prints a ::warning command for each warning of the run (nothing
// scanned, a pattern that matched nothing): they carry no file.
func Warn(w io.Writer, warnings []string) error {
	ew := &errWriter{w: w}
	a := githubactions.New(githubactions.WithWriter(ew))
	for _, msg := range warnings {
		a.Warningf("%s", report.Clean(msg))
	}
	return ew.err
}

// Fail prints an ::error command that says why the run could not do its
// work.
func Fail(w io.Writer, msg string) error {
	ew := &errWriter{w: w}
	githubactions.New(githubactions.WithWriter(ew)).Errorf("modelgate: %s", report.Clean(msg))
	return ew.err
}

func ruleName(id string) string {
	if r, ok := finding.RuleByID(id); ok {
		return r.Name
	}
	return ""
}

// annotation is the message of an annotation: the finding's message, the
// call, the member chain and the offset, all cleaned.
func annotation(fd finding.Finding) string {
	msg := report.Clean(fd.Message)
	parts := []string{msg}
	if ev := report.Clean(cmp.Or(fd.Evidence, fd.Callable)); ev != "" && !strings.Contains(msg, ev) {
		parts = append(parts, "call: "+ev)
	}
	if loc := report.Location(fd); loc != "" {
		parts = append(parts, "at "+loc)
	}
	return strings.Join(parts, "; ")
}
