package report

import (
	"encoding/json"
	"io"

	"github.com/modelgate/modelgate/finding"
)

// Tool names the program that wrote a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonReport struct {
	Tool    Tool                 `json:"tool"`
	Files   []finding.FileResult `json:"files"`
	Summary finding.Summary      `json:"summary"`
}

// JSON writes the report as indented JSON: {"tool", "files", "summary"}.
// Strings are JSON-escaped, so control characters from scanned files stay
// inert; they are not otherwise altered.
func JSON(w io.Writer, r *finding.Report, tool Tool) error {
	out := jsonReport{Tool: tool, Files: make([]finding.FileResult, len(r.Files)), Summary: r.Summary}
	for i, f := range r.Files {
		if f.Members == nil {
			f.Members = []string{}
		}
		if f.Findings == nil {
			f.Findings = []finding.Finding{}
		}
		out.Files[i] = f
	}
	if out.Summary.BySeverity == nil {
		out.Summary.BySeverity = map[string]int{}
	}
	if out.Summary.ByFormat == nil {
		out.Summary.ByFormat = map[string]int{}
	}
	if out.Summary.Highest == "" {
		out.Summary.Highest = "none"
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
