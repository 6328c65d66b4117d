package config

import (
	"fmt"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/modelgate/modelgate/finding"
)

// Apply changes a report as the file says: severity overrides first, then
// suppressions. It returns warnings for the user, such as an ignore entry
// whose date has passed (it no longer suppresses anything).
func (f *File) Apply(rep *finding.Report, today time.Time) []string {
	var warnings []string
	active := make([]bool, len(f.Ignore))
	for i, ig := range f.Ignore {
		active[i] = ig.Expires.IsZero() || !today.After(ig.Expires.Time)
		if !active[i] {
			warnings = append(warnings, fmt.Sprintf("ignore entry for %s on %q expired on %s and no longer suppresses findings",
				ig.Rule, ig.Path, ig.Expires.Format(time.DateOnly)))
		}
	}
	for i := range rep.Files {
		file := &rep.Files[i]
		for j := range file.Findings {
			fd := &file.Findings[j]
			if s, ok := f.Severity[fd.Rule]; ok {
				fd.Severity, _ = finding.ParseSeverity(s)
			}
			for k, ig := range f.Ignore {
				if active[k] && ig.matches(file.Path, *fd) {
					fd.Suppression = &finding.Suppression{Kind: "external", Justification: ig.Reason}
					break
				}
			}
		}
	}
	return warnings
}

func (ig Ignore) matches(path string, fd finding.Finding) bool {
	if ig.Rule != fd.Rule {
		return false
	}
	if ok, _ := doublestar.Match(ig.Path, path); !ok {
		return false
	}
	if ig.Member != "" {
		if ok, _ := doublestar.Match(ig.Member, fd.Member); !ok {
			return false
		}
	}
	return ig.Callable == "" || ig.Callable == fd.Callable
}
