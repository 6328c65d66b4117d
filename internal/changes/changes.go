// Package changes tells which files changed since a git revision, for
// pull-request scans. Where a git program is installed it is only ever
// asked to read (rev-parse, diff, ls-files) and never fetches
// (GIT_NO_LAZY_FETCH=1, for partial clones). Where none is, as in the
// Action's image, or where git refuses a work tree another user owns, the
// repository is read directly (package gitread), and only files proven
// unchanged are left out. When the revision is not in the
// local history (a shallow clone), Since returns ErrNoHistory: the caller
// then scans everything rather than passing a change it cannot see.
package changes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// ErrNoHistory means the revision is not in the local history.
var ErrNoHistory = errors.New("revision not in the local git history")

// Set is the files of a work tree changed since a revision.
type Set struct {
	// changed lists the changed files (from git); when nil, unchanged
	// lists the files proven unchanged and every other file counts as
	// changed.
	changed, unchanged map[string]bool
	// How says how the changes were found, for the scan's notes.
	How string
}

// Has reports whether the file at path (relative to the directory given to
// Since, with forward slashes) changed, or may have.
func (s *Set) Has(path string) bool {
	if s.changed != nil {
		return s.changed[path]
	}
	return !s.unchanged[path]
}

// Changed returns the number of changed files, or -1 when only the
// unchanged ones are known.
func (s *Set) Changed() int {
	if s.changed != nil {
		return len(s.changed)
	}
	return -1
}

// Since tells which files under dir were added, modified, renamed (new
// name), copied or type-changed since rev, counting uncommitted and
// untracked files. It asks git when git is installed and reads the
// repository itself otherwise.
func Since(ctx context.Context, dir, rev string) (*Set, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("revision %q: must not start with '-'", rev)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return sinceByReading(dir, rev)
	}
	paths, err := sinceWithGit(ctx, dir, rev)
	if err != nil && strings.Contains(err.Error(), "dubious ownership") {
		// A work tree owned by another user (a container's mounted
		// checkout): git will not read it, lest its configuration run
		// programs. Reading it here runs nothing.
		s, err := sinceByReading(dir, rev)
		if err != nil {
			return nil, err
		}
		s.How = readHow("git refuses a work tree owned by another user")
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	s := &Set{changed: make(map[string]bool, len(paths)), How: "git"}
	for _, p := range paths {
		s.changed[p] = true
	}
	return s, nil
}

// sinceWithGit lists the changed files with git diff and ls-files.
func sinceWithGit(ctx context.Context, dir, rev string) ([]string, error) {
	if _, err := git(ctx, dir, "rev-parse", "--is-inside-work-tree"); err != nil {
		return nil, fmt.Errorf("%s is not a git work tree: %w", dir, err)
	}
	if _, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		shallow, _ := git(ctx, dir, "rev-parse", "--is-shallow-repository")
		if strings.TrimSpace(shallow) == "true" {
			return nil, fmt.Errorf("%s (shallow clone: fetch more history, e.g. actions/checkout with fetch-depth: 0): %w", rev, ErrNoHistory)
		}
		return nil, fmt.Errorf("%s: %w", rev, ErrNoHistory)
	}
	diff, err := git(ctx, dir, "diff", "--name-only", "-z", "--relative", "-M", "--diff-filter=ACMRT", rev, "--")
	if err != nil {
		return nil, err
	}
	untracked, err := git(ctx, dir, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range strings.Split(diff+untracked, "\x00") {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// git runs a read-only git command. GIT_NO_LAZY_FETCH keeps a partial
// clone from fetching missing objects (a scan makes no network calls), and
// GIT_TERMINAL_PROMPT=0 keeps it from asking for anything.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "--no-pager", "-c", "core.quotepath=off"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_NO_LAZY_FETCH=1", "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
