package cli

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/finding"
)

// checkScanned warns when the scan looked at no model file, or when a
// path given held none: a gate that passes over nothing looks exactly
// like one that passes over clean models. A path is checked only in a
// full scan; a pull request's scope or a shard may rightly leave it out.
func (j *scanJob) checkScanned(rep *finding.Report) {
	if rep.Summary.Files-rep.Summary.Skipped == 0 {
		j.empty = true
		j.warn("no model file was scanned")
		return
	}
	if j.opts.Only != nil || j.opts.Shard.N > 1 || len(j.opts.Roots) < 2 {
		return
	}
	for _, root := range j.opts.Roots {
		if !holdsModel(rep, root) {
			j.empty = true
			j.warn(fmt.Sprintf("path %q holds no model file", root))
		}
	}
}

// holdsModel reports whether a file below root (a scan path, as given)
// was read as a model.
func holdsModel(rep *finding.Report, root string) bool {
	prefix := filepath.ToSlash(filepath.Clean(root))
	if rel, inside, err := workingDirRel(root); err == nil && inside {
		prefix = rel
	}
	for _, f := range rep.Files {
		if f.Status == finding.StatusSkipped {
			continue
		}
		if prefix == "." || f.Path == prefix || strings.HasPrefix(f.Path, prefix+"/") {
			return true
		}
	}
	return false
}

// parseBool reads a boolean flag or input: empty is false.
func parseBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		return false, fmt.Errorf("%q is not true or false", s)
	}
	return b, nil
}
