package formats

import (
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/testtree"
	"github.com/modelgate/modelgate/scan"
)

// newSession returns a session over the default formats unless opts names
// others.
func newSession(opts scan.Options, res *finding.FileResult) *scan.Session {
	if opts.Formats == nil {
		opts.Formats = Default()
	}
	return scan.NewSession(opts, res)
}

// options returns the default options with the default formats.
func options() scan.Options {
	o := scan.DefaultOptions()
	o.Formats = Default()
	return o
}

// worst returns the highest severity among fs.
func worst(fs []finding.Finding) finding.Severity {
	w := finding.SeverityInvalid
	for _, f := range fs {
		if f.Severity > w {
			w = f.Severity
		}
	}
	return w
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	return testtree.New(t, files)
}
