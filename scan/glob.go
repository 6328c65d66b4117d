package scan

import (
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// selected reports whether the globs keep the file at rel: it matches an
// include pattern (when there are any) and no exclude pattern.
func selected(rel string, include, exclude []string) bool {
	if len(include) > 0 && !slices.ContainsFunc(include, func(g string) bool { return globMatch(g, rel) }) {
		return false
	}
	return !slices.ContainsFunc(exclude, func(g string) bool { return globMatch(g, rel) })
}

// globMatch matches a pattern the way .gitignore does, which is what
// users write in include and exclude: a pattern without a slash (but a
// trailing one) matches the base name of a file or folder at any depth
// ("*.pkl" matches models/a/b.pkl); one with a slash matches from the
// root, a leading slash only anchoring it; a trailing slash matches
// folders only; and a folder matched covers everything below it. ** is
// doublestar's.
func globMatch(g, rel string) bool {
	dirOnly := strings.HasSuffix(g, "/")
	g = strings.TrimSuffix(g, "/")
	anchored := strings.Contains(g, "/")
	g = strings.TrimPrefix(g, "/")
	parts := strings.Split(rel, "/")
	last := len(parts)
	if dirOnly {
		last-- // the file itself is no folder
	}
	for i := range last {
		candidate := parts[i]
		if anchored {
			candidate = strings.Join(parts[:i+1], "/")
		}
		if m, _ := doublestar.Match(g, candidate); m {
			return true
		}
	}
	return false
}
