package config

import (
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/modelgate/modelgate/finding"
)

// IgnoreFor returns the index of the ignore entry that decides a finding
// of the file at path on day today: the first active entry that covers
// it, as policy.Judge.Decide picks it (a test in internal/cli holds them
// together). ok is false when none does.
func (f *File) IgnoreFor(path string, fd finding.Finding, today time.Time) (i int, ok bool) {
	for i, ig := range f.Ignore {
		if ig.active(today) && ig.covers(path, fd) {
			return i, true
		}
	}
	return -1, false
}

// active reports whether the entry still suppresses on day today: up to
// and including its expiry date.
func (ig Ignore) active(today time.Time) bool {
	return ig.Expires.IsZero() || !today.After(ig.Expires.Time)
}

// covers reports whether the entry's rule, path, member and callable
// cover the finding.
func (ig Ignore) covers(path string, fd finding.Finding) bool {
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
