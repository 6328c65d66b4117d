package ghaction

import (
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"
)

// Enabled reports whether the process runs as a GitHub Actions step.
func Enabled(getenv func(string) string) bool { return getenv("GITHUB_ACTIONS") == "true" }

// Inputs are the inputs of action.yml, as found in INPUT_* variables: one
// field for each input (a test holds them equal to action.yml's list).
type Inputs struct {
	Path      []string // paths to scan, one per line
	FailOn    string
	SarifFile string
	Include   []string // globs, one per line
	Exclude   []string
	Config    string
	Category  string
	ScanScope string // all or changed
	Shard     string // K/N
	Baseline  string // an earlier JSON or SARIF report
	// FailOnEmpty fails the gate when nothing was scanned ("true").
	FailOnEmpty string
}

// ReadInputs reads the action's inputs from the environment, trimmed of
// surrounding white space. Empty inputs stay empty: defaults are the
// caller's. It is the only reader of INPUT_* variables.
func ReadInputs(getenv func(string) string) Inputs {
	a := githubactions.New(githubactions.WithGetenv(getenv))
	return Inputs{
		Path:        Lines(a.GetInput("path")),
		FailOn:      a.GetInput("fail-on"),
		SarifFile:   a.GetInput("sarif-file"),
		Include:     Lines(a.GetInput("include")),
		Exclude:     Lines(a.GetInput("exclude")),
		Config:      a.GetInput("config"),
		Category:    a.GetInput("category"),
		ScanScope:   a.GetInput("scan-scope"),
		Shard:       a.GetInput("shard"),
		Baseline:    a.GetInput("baseline"),
		FailOnEmpty: a.GetInput("fail-on-empty"),
	}
}

// Lines splits the items that hold several lines (a list input, read from
// its variable or passed by runs.args as one argument) into their trimmed,
// non-blank lines. An item of one line is kept as it is, unless empty: it
// may be a path given on the command line, where spaces are significant.
func Lines(items ...string) []string {
	var out []string
	for _, it := range items {
		if !strings.Contains(it, "\n") {
			if it != "" {
				out = append(out, it)
			}
			continue
		}
		for _, l := range strings.Split(it, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}
