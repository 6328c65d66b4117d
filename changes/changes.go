// Package changes lists the files changed since a git revision, for
// pull-request scans. Git is only ever asked to read: rev-parse, diff and
// ls-files. When the revision is not in the local history (a shallow
// clone), Since returns ErrNoHistory, and without git ErrNoGit: the caller
// then scans everything rather than passing a change it cannot see. Git
// never fetches (GIT_NO_LAZY_FETCH=1, for partial clones).
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

// ErrNoGit means there is no git program to ask.
var ErrNoGit = errors.New("git is not installed")

// Since returns the paths, relative to dir and with forward slashes, of
// files added, modified, renamed (new name), copied or type-changed since
// rev, including uncommitted and untracked (not ignored) files.
func Since(ctx context.Context, dir, rev string) ([]string, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("revision %q: must not start with '-'", rev)
	}
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("list changes since %s: %w", rev, ErrNoGit)
	}
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
