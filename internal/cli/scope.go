package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/modelgate/modelgate/internal/changes"
)

// scopeSettings validates --scan-scope and --changed-since.
func (j *scanJob) scopeSettings() error {
	a := j.args
	a.scanScope = strings.ToLower(cmp.Or(a.scanScope, "all"))
	if a.scanScope != "all" && a.scanScope != "changed" {
		return usageErr{fmt.Errorf("unknown --scan-scope %q (want all or changed)", a.scanScope)}
	}
	if strings.HasPrefix(a.changedSince, "-") {
		return usageErr{fmt.Errorf("--changed-since %q: a revision must not start with '-'", a.changedSince)}
	}
	return nil
}

// limitToChanges limits the scan to the files changed since the revision
// of --changed-since or, with --scan-scope changed, since the base of the
// pull request. Whenever the changes cannot be known (no git, a shallow
// clone, not a pull request), it scans everything and says why: a gate
// must never pass a change it did not see.
func (j *scanJob) limitToChanges(ctx context.Context, getenv func(string) string) error {
	rev := j.args.changedSince
	if rev == "" && j.args.scanScope == "changed" {
		var why string
		if rev, why = pullRequestBase(getenv, j.inActions); rev == "" {
			j.note("scan-scope changed: " + why + "; scanning every file")
			return nil
		}
	}
	if rev == "" {
		return nil
	}
	for _, root := range j.opts.Roots {
		if !insideWorkingDir(root) {
			return usageErr{fmt.Errorf("--changed-since: path %s is outside the working directory; run modelgate from the repository", root)}
		}
	}
	set, err := changes.Since(ctx, ".", rev)
	if err != nil {
		j.note(fmt.Sprintf("cannot list the files changed since %s: %s; scanning every file instead", rev, err))
		return nil
	}
	if j.policy != nil && policyInSet(set, j.policyPath) {
		// A changed policy can change the findings of unchanged files.
		j.note(fmt.Sprintf("the policy file %s changed since %s; scanning every file", j.policyPath, rev))
		return nil
	}
	j.opts.Only = set.Has
	if n := set.Changed(); n >= 0 {
		j.note(fmt.Sprintf("scanning only the files added, modified or renamed since %s (%d in the work tree)", rev, n))
	} else {
		j.note(fmt.Sprintf("scanning only the files added, modified or renamed since %s (changes %s)", rev, set.How))
	}
	return nil
}

// policyInSet reports whether the policy file is among the changed files.
// Its path is made relative to the working directory, as the set's are; a
// policy file outside it is not part of the change. When that cannot be
// told, it counts as changed: the scan then covers everything.
func policyInSet(set *changes.Set, path string) bool {
	rel, inside, err := workingDirRel(path)
	if err != nil {
		return true
	}
	return inside && set.Has(rel)
}

// insideWorkingDir reports whether path is the working directory or below
// it, where reported paths and git's relative paths agree.
func insideWorkingDir(path string) bool {
	_, inside, err := workingDirRel(path)
	return err == nil && inside
}

// workingDirRel returns path relative to the working directory, with
// forward slashes, and whether it lies there or below.
func workingDirRel(path string) (rel string, inside bool, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false, err
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false, err
	}
	if rel, err = filepath.Rel(wd, abs); err != nil {
		return "", false, err
	}
	inside = rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	return filepath.ToSlash(rel), inside, nil
}

var commitSHA = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// pullRequestBase returns the base commit of the pull request that
// triggered the workflow, from the event payload, or why there is none.
func pullRequestBase(getenv func(string) string, inActions bool) (sha, why string) {
	if !inActions {
		return "", "applies inside GitHub Actions only"
	}
	event := getenv("GITHUB_EVENT_NAME")
	if event != "pull_request" && event != "pull_request_target" {
		return "", fmt.Sprintf("applies to pull_request events, and this run is for another event (%q)", event)
	}
	b, err := os.ReadFile(getenv("GITHUB_EVENT_PATH"))
	if err != nil {
		return "", fmt.Sprintf("cannot read the event payload: %v", err)
	}
	var payload struct {
		PullRequest struct {
			Base struct {
				SHA string `json:"sha"`
			} `json:"base"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(b, &payload); err != nil {
		return "", fmt.Sprintf("cannot parse the event payload: %v", err)
	}
	if sha = payload.PullRequest.Base.SHA; !commitSHA.MatchString(sha) {
		return "", "the event payload has no pull_request.base.sha"
	}
	return sha, ""
}
