package report

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/modelgate/modelgate/finding"
)

// TextOptions controls the human-readable report.
type TextOptions struct {
	// Color adds ANSI colours; set it only when writing to a terminal and
	// NO_COLOR is unset.
	Color bool
	// Policy, when set, names the policy file the findings were judged by
	// (or says there was none), on a line after the summary.
	Policy string
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
)

var severityColor = map[finding.Severity]string{
	finding.Critical: "\x1b[1;31m",
	finding.High:     "\x1b[31m",
	finding.Medium:   "\x1b[33m",
	finding.Low:      "\x1b[36m",
}

// Text writes the findings grouped by file, most severe first, followed by
// a one-line summary. Each finding is written once: occurrences that
// differ only by offset (the same call forty times) are counted on its
// line. A file's block ends with the next step of each kind of finding
// that counts towards the gate.
//
// Lines never start (after blanks) with "::": the Actions runner reads such
// a line in a step log as a workflow command, and paths and messages come
// from the scanned tree.
func Text(w io.Writer, r *finding.Report, opts TextOptions) error {
	var bw strings.Builder
	for _, f := range FilesBySeverity(r.Files) {
		if len(f.Findings) == 0 {
			continue
		}
		path := Clean(f.Path)
		if opts.Color {
			path = ansiBold + path + ansiReset
		}
		if f.LinkTarget != "" {
			path += " -> " + Clean(f.LinkTarget)
		}
		fmt.Fprintf(&bw, "%s [%s, %s]\n", path, Clean(f.Format), f.Status)
		once := Once(f.Path, FindingsBySeverity(f.Findings))
		for _, o := range once {
			writeFinding(&bw, o.Finding, o.More, opts)
		}
		writeNext(&bw, once)
		fmt.Fprintln(&bw)
	}
	fmt.Fprintln(&bw, SummaryLine(r.Summary))
	if opts.Policy != "" {
		fmt.Fprintf(&bw, "policy: %s\n", Clean(opts.Policy))
	}
	out := bufio.NewWriter(w)
	for _, line := range strings.SplitAfter(bw.String(), "\n") {
		out.WriteString(NoCommand(line))
	}
	return out.Flush()
}

// NoCommand returns line with its first ":" written as \x3a when the line,
// blanks trimmed, starts with "::", so that the Actions runner cannot read
// it as a workflow command.
func NoCommand(line string) string {
	trimmed := strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(trimmed, "::") {
		return line
	}
	return line[:len(line)-len(trimmed)] + `\x3a` + trimmed[1:]
}

// Occurrence is a finding with the number of others like it.
type Occurrence struct {
	finding.Finding
	More int // other occurrences: same rule, member, callable and key
}

// Once folds the findings of the file at path that differ only by offset
// (same finding.Fingerprint and evidence, same suppression and baseline
// state) into the first of them, keeping order. Other arguments are
// another payload, and stay on their own line.
func Once(path string, fs []finding.Finding) []Occurrence {
	var out []Occurrence
	at := map[string]int{}
	for _, fd := range fs {
		k := fmt.Sprintf("%s|%q|%t|%s", finding.Fingerprint(path, fd), fd.Evidence, fd.Suppression != nil, fd.Baseline)
		if i, ok := at[k]; ok {
			out[i].More++
			continue
		}
		at[k] = len(out)
		out = append(out, Occurrence{Finding: fd})
	}
	return out
}

func writeFinding(w io.Writer, fd finding.Finding, more int, opts TextOptions) {
	sev := fmt.Sprintf("%-8s", fd.Severity)
	if c, ok := severityColor[fd.Severity]; ok && opts.Color {
		sev = c + sev + ansiReset
	}
	line := []string{"  " + sev, fd.Rule}
	if loc := Location(fd); loc != "" {
		line = append(line, loc)
	}
	if ev := cmp.Or(fd.Evidence, fd.Callable); ev != "" {
		line = append(line, Clean(ev))
	}
	if more > 0 {
		line = append(line, fmt.Sprintf("(and %d more like it)", more))
	}
	fmt.Fprintln(w, strings.Join(line, "  "))
	if fd.Message != "" {
		fmt.Fprintf(w, "            %s\n", Clean(fd.Message))
	}
	if fd.Suppression != nil {
		fmt.Fprintf(w, "            suppressed: %s\n", Clean(cmp.Or(fd.Suppression.Justification, "no reason given")))
	}
	if fd.Baseline == "unchanged" {
		fmt.Fprintln(w, "            already in the baseline")
	}
}

// writeNext writes the next steps of a file's findings that count
// towards the gate, each once, in the order of the findings.
func writeNext(w io.Writer, fs []Occurrence) {
	seen := map[string]bool{}
	for _, o := range fs {
		next := NextStep(o.Rule)
		if next == "" || !o.Gating() || seen[next] {
			continue
		}
		seen[next] = true
		fmt.Fprintf(w, "  next: %s\n", next)
	}
}

// Location renders where a finding is inside its file: the member chain,
// the config key and the byte offset, e.g. "archive/data.pkl @42". It is
// cleaned and empty when the finding has no place.
func Location(fd finding.Finding) string {
	var parts []string
	if fd.Member != "" {
		parts = append(parts, Clean(fd.Member))
	}
	if fd.Key != "" {
		parts = append(parts, "key "+Clean(fd.Key))
	}
	if fd.Offset >= 0 {
		parts = append(parts, fmt.Sprintf("@%d", fd.Offset))
	}
	return strings.Join(parts, " ")
}

// SummaryLine is the one-line summary of a scan, e.g.
// "modelgate: 3 model files (2 pickle, 1 pytorch), 9 other files skipped; 2 findings: 1 critical, 1 high".
func SummaryLine(s finding.Summary) string {
	models := s.Files - s.Skipped
	var b strings.Builder
	fmt.Fprintf(&b, "modelgate: %d model %s", models, plural(models, "file", "files"))
	if formats := countList(s.ByFormat, nil); formats != "" {
		fmt.Fprintf(&b, " (%s)", formats)
	}
	if s.Partial > 0 {
		fmt.Fprintf(&b, ", %d partly scanned", s.Partial)
	}
	if s.NotScanned > 0 {
		fmt.Fprintf(&b, ", %d not scanned", s.NotScanned)
	}
	if s.Skipped > 0 {
		fmt.Fprintf(&b, ", %d other %s skipped", s.Skipped, plural(s.Skipped, "file", "files"))
	}
	if s.Excluded > 0 {
		fmt.Fprintf(&b, ", %d excluded", s.Excluded)
	}
	if s.OutOfScope > 0 {
		fmt.Fprintf(&b, ", %d out of scope", s.OutOfScope)
	}
	if s.Findings == 0 {
		b.WriteString("; no findings")
	} else {
		order := []string{"critical", "high", "medium", "low"}
		fmt.Fprintf(&b, "; %d %s: %s", s.Findings, plural(s.Findings, "finding", "findings"), countList(s.BySeverity, order))
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(&b, "; %d suppressed by the policy file", s.Suppressed)
	}
	if s.Unchanged > 0 {
		fmt.Fprintf(&b, "; %d already in the baseline", s.Unchanged)
	}
	return b.String()
}

// countList renders "n key" pairs, in the given order or else by key.
func countList(m map[string]int, order []string) string {
	if order == nil {
		for k := range m {
			order = append(order, k)
		}
		slices.Sort(order)
	}
	var parts []string
	for _, k := range order {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], Clean(k)))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// FilesBySeverity returns the files ordered by their worst finding, most
// severe first, then by path. The input is not modified.
func FilesBySeverity(files []finding.FileResult) []finding.FileResult {
	out := slices.Clone(files)
	slices.SortStableFunc(out, func(a, b finding.FileResult) int {
		return cmp.Or(cmp.Compare(b.Worst(), a.Worst()), cmp.Compare(a.Path, b.Path))
	})
	return out
}

// FindingsBySeverity returns the findings most severe first, then by rule,
// member and offset. The input is not modified.
func FindingsBySeverity(fs []finding.Finding) []finding.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, CompareFindings)
	return out
}

// CompareFindings orders findings most severe first, then by rule, member,
// offset and callable.
func CompareFindings(a, b finding.Finding) int {
	return cmp.Or(
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Member, b.Member),
		cmp.Compare(a.Offset, b.Offset),
		cmp.Compare(a.Callable, b.Callable),
	)
}
