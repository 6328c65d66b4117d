package ghaction

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/finding"
	githubactions "github.com/sethvargo/go-githubactions"
)

// Outputs are the outputs of action.yml.
type Outputs struct {
	SarifFile       string // path of the SARIF file, relative to the workspace
	Findings        int    // findings that count towards the gate
	HighestSeverity string // critical, high, medium, low or none
	FilesScanned    int    // model files looked at (every status but skipped)
}

// OutputsOf computes the outputs of a scan.
func OutputsOf(r *finding.Report, sarifFile string) Outputs {
	return Outputs{
		SarifFile:       sarifFile,
		Findings:        r.Summary.Findings,
		HighestSeverity: cmp.Or(r.Summary.Highest, "none"),
		FilesScanned:    r.Summary.Files - r.Summary.Skipped,
	}
}

// SetOutputs writes the outputs to the file named by GITHUB_OUTPUT. It does
// nothing when the variable is unset.
func SetOutputs(getenv func(string) string, o Outputs) error {
	if getenv("GITHUB_OUTPUT") == "" {
		return nil
	}
	a := githubactions.New(githubactions.WithGetenv(getenv))
	for _, kv := range [][2]string{
		{"sarif-file", o.SarifFile},
		{"findings", strconv.Itoa(o.Findings)},
		{"highest-severity", o.HighestSeverity},
		{"files-scanned", strconv.Itoa(o.FilesScanned)},
	} {
		// The library writes name<<delimiter: a value with a line break
		// could end the block early. None of ours has one; refuse if so.
		if strings.ContainsAny(kv[1], "\r\n") {
			return fmt.Errorf("set output %s: value has a line break", kv[0])
		}
		if err := guard(func() { a.SetOutput(kv[0], kv[1]) }); err != nil {
			return fmt.Errorf("set output %s: %w", kv[0], err)
		}
	}
	return nil
}

// AddStepSummary appends Markdown to the file named by
// GITHUB_STEP_SUMMARY. It does nothing when the variable is unset.
func AddStepSummary(getenv func(string) string, markdown string) error {
	if getenv("GITHUB_STEP_SUMMARY") == "" {
		return nil
	}
	a := githubactions.New(githubactions.WithGetenv(getenv))
	if err := guard(func() { a.AddStepSummary(markdown) }); err != nil {
		return fmt.Errorf("write step summary: %w", err)
	}
	return nil
}

// guard runs f, turning a panic of go-githubactions (it panics when a
// runner file cannot be written) into an error.
func guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}

// errWriter remembers the first write error, so that go-githubactions,
// which panics when stdout fails, never sees one.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
	return len(p), nil
}
