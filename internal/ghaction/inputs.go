package ghaction

import (
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"
)

// Enabled reports whether the process runs as a GitHub Actions step.
func Enabled(getenv func(string) string) bool { return getenv("GITHUB_ACTIONS") == "true" }

// Inputs are the inputs of action.yml, as found in INPUT_* variables.
type Inputs struct {
	Path      []string // paths to scan, one per line
	FailOn    string
	SarifFile string
	Include   []string // globs, one per line
	Exclude   []string
	Config    string
	Category  string
}

// ReadInputs reads the action's inputs from the environment. Empty inputs
// stay empty: defaults are the caller's.
func ReadInputs(getenv func(string) string) Inputs {
	a := githubactions.New(githubactions.WithGetenv(getenv))
	return Inputs{
		Path:      lines(a.GetInput("path")),
		FailOn:    a.GetInput("fail-on"),
		SarifFile: a.GetInput("sarif-file"),
		Include:   lines(a.GetInput("include")),
		Exclude:   lines(a.GetInput("exclude")),
		Config:    a.GetInput("config"),
		Category:  a.GetInput("category"),
	}
}

// lines splits a multi-line input into its non-blank, trimmed lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
