package cli

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// runFacts is what the reports say about a run besides its findings.
type runFacts struct {
	category string
	policy   string // the policy file used, or noPolicy
	// policyPath is the policy file used, "" for none.
	policyPath string
	notes      []string
	warnings   []string
	// sourceRoot is the repository root; uriPrefix the working directory
	// relative to it ("" when the same), for SARIF locations.
	sourceRoot, uriPrefix string
	failOn                finding.Severity
	failed                bool
	empty                 bool // fail-on-empty applies and nothing (or not everything) was scanned
}

// facts gathers what the reports say about this run.
func (j *scanJob) facts(failed bool) runFacts {
	f := runFacts{category: j.args.category, policy: j.policyShown(), policyPath: j.policyPath, notes: j.notes, warnings: j.warnings,
		sourceRoot: j.repoRoot, failOn: j.failOn, failed: failed, empty: j.failOnEmpty && j.empty}
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(j.repoRoot); err == nil {
			if rel, err := filepath.Rel(abs, wd); err == nil && rel != "." && insideRel(filepath.ToSlash(rel)) {
				f.uriPrefix = filepath.ToSlash(rel)
			}
			f.sourceRoot = abs
		}
	}
	return f
}

// insideRel reports whether a slash path relative to a folder stays in it.
func insideRel(rel string) bool {
	return rel != ".." && !strings.HasPrefix(rel, "../")
}

// sarifNotifications are the warnings and notes of a run, for SARIF.
func (f runFacts) sarifNotifications() []sarif.Notification {
	var out []sarif.Notification
	for _, w := range f.warnings {
		out = append(out, sarif.Notification{Level: "warning", Text: w})
	}
	for _, n := range f.notes {
		out = append(out, sarif.Notification{Level: "note", Text: n})
	}
	return out
}

// render writes the report in one format.
func render(w io.Writer, format string, r *finding.Report, f runFacts, color bool) error {
	switch format {
	case "json":
		return report.JSON(w, r, report.Tool{Name: "modelgate", Version: version()})
	case "sarif":
		return sarif.Write(w, r, sarif.Options{Version: version(), Category: f.category, RuleSeverities: policy.RuleSeverities(),
			PolicyFile: f.policy, Notifications: f.sarifNotifications(), SourceRoot: f.sourceRoot, URIPrefix: f.uriPrefix})
	default:
		return report.Text(w, r, report.TextOptions{Color: color, Policy: f.policy})
	}
}

// writeReports writes the report in --format to --output (or stdout) and,
// with --sarif-file, the SARIF log. Inside Actions, files are given to the
// workspace owner.
func writeReports(a *scanArgs, r *finding.Report, f runFacts, stdout io.Writer, getenv func(string) string, inActions, color bool) error {
	if a.output == "" {
		if err := render(stdout, a.format, r, f, color); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	} else if err := writeFile(a.output, a.format, r, f, getenv, inActions); err != nil {
		return err
	}
	if a.sarifFile != "" {
		return writeFile(a.sarifFile, "sarif", r, f, getenv, inActions)
	}
	return nil
}

// writeFile renders into memory, makes the missing folders of path, then
// creates (truncating) the file.
func writeFile(path, format string, r *finding.Report, f runFacts, getenv func(string) string, inActions bool) error {
	var buf bytes.Buffer
	if err := render(&buf, format, r, f, false); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	made, err := makeParents(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if inActions {
		ws := cmp.Or(getenv("GITHUB_WORKSPACE"), ".")
		for _, p := range append(made, path) {
			if err := ghaction.GiveToOwnerOf(p, ws); err != nil {
				return err
			}
		}
	}
	return nil
}

// makeParents makes dir and its missing parents and returns the folders
// it made, outermost first.
func makeParents(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || !errors.Is(err, os.ErrNotExist) || filepath.Dir(d) == d {
			break
		}
		missing = append([]string{d}, missing...)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return missing, nil
}

// publish sets the action's outputs, writes the step summary (with the
// warnings and notes of the run) and prints annotations.
func publish(stdout io.Writer, getenv func(string) string, r *finding.Report, f runFacts, sarifFile string) error {
	if err := ghaction.SetOutputs(getenv, ghaction.OutputsOf(r, sarifFile)); err != nil {
		return err
	}
	sum := ghaction.Summary(r, ghaction.SummaryOptions{FailOn: f.failOn, Failed: f.failed, SarifFile: sarifFile,
		Policy: f.policyPath, Version: version(), Warnings: f.warnings, Empty: f.empty})
	if err := ghaction.AddStepSummary(getenv, sum+ghaction.NotesSection(f.notes)); err != nil {
		return err
	}
	if err := ghaction.Warn(stdout, f.warnings); err != nil {
		return err
	}
	return ghaction.Annotate(stdout, r)
}

// publishFailure makes a run that ends with exit 2 visible inside Actions:
// an error annotation, a step summary that says what went wrong, and the
// outputs of the scan when it got that far.
func publishFailure(stdout io.Writer, getenv func(string) string, r *finding.Report, msg string) {
	// Best effort: the run already fails, and the message is on stderr.
	_ = ghaction.Fail(stdout, msg)
	_ = ghaction.AddStepSummary(getenv, ghaction.FailureSummary(msg, version()))
	if r != nil {
		_ = ghaction.SetOutputs(getenv, ghaction.OutputsOf(r, ""))
	}
}
