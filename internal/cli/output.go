package cli

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/ghaction"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/report"
	"github.com/modelgate/modelgate/sarif"
)

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// render writes the report in one format.
func render(w io.Writer, format string, r *finding.Report, category string, color bool) error {
	switch format {
	case "json":
		return report.JSON(w, r, report.Tool{Name: "modelgate", Version: version()})
	case "sarif":
		return sarif.Write(w, r, sarif.Options{Version: version(), Category: category, RuleSeverities: policy.RuleSeverities()})
	default:
		return report.Text(w, r, report.TextOptions{Color: color})
	}
}

// writeReports writes the report in --format to --output (or stdout) and,
// with --sarif-file, the SARIF log. Inside Actions, files are given to the
// workspace owner.
func writeReports(a *scanArgs, r *finding.Report, stdout io.Writer, getenv func(string) string, inActions, color bool) error {
	if a.output == "" {
		if err := render(stdout, a.format, r, a.category, color); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	} else if err := writeFile(a.output, a.format, r, a.category, getenv, inActions); err != nil {
		return err
	}
	if a.sarifFile != "" {
		return writeFile(a.sarifFile, "sarif", r, a.category, getenv, inActions)
	}
	return nil
}

// writeFile renders into memory, then creates (truncating) the file.
func writeFile(path, format string, r *finding.Report, category string, getenv func(string) string, inActions bool) error {
	var buf bytes.Buffer
	if err := render(&buf, format, r, category, false); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if inActions {
		if err := ghaction.GiveToOwnerOf(path, cmp.Or(getenv("GITHUB_WORKSPACE"), ".")); err != nil {
			return err
		}
	}
	return nil
}

// publish sets the action's outputs, writes the step summary (with the
// notes of the run) and prints annotations.
func publish(stdout io.Writer, getenv func(string) string, r *finding.Report, failOn finding.Severity, failed bool, sarifFile string, notes []string) error {
	if err := ghaction.SetOutputs(getenv, ghaction.OutputsOf(r, sarifFile)); err != nil {
		return err
	}
	if err := ghaction.AddStepSummary(getenv, ghaction.Summary(r, failOn, failed, sarifFile)+summaryNotes(notes)); err != nil {
		return err
	}
	return ghaction.Annotate(stdout, r)
}

// summaryNotes renders the notes of a run as a Markdown list, with every
// character that Markdown or HTML could act on escaped (notes quote git's
// messages and revisions).
func summaryNotes(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n### Notes\n\n")
	for _, n := range notes {
		b.WriteString("- ")
		for _, c := range report.Clean(n) {
			if c < 0x80 && strings.ContainsRune("\\`*_{}[]()<>#+-.!|~&", c) {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		b.WriteString("\n")
	}
	return b.String()
}
