package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/modelgate/modelgate/finding"
)

// reviewIgnores holds the policy file's ignore entries to the ceremony of
// its allow entries. A critical finding stays suppressed only under an
// entry with force: true, reported as MG150 on the policy file like a
// forced allow; under any other entry it counts towards the gate again,
// with a warning that says how to keep it ignored. In a full scan, an
// entry that covered no finding is warned about: a stale entry would hide
// whatever finding comes to match it later.
func (j *scanJob) reviewIgnores(rep *finding.Report) {
	if j.policy == nil || len(j.policy.Ignore) == 0 {
		return
	}
	today := time.Now()
	used := make([]bool, len(j.policy.Ignore))
	forced := make([]bool, len(j.policy.Ignore))
	for fi := range rep.Files {
		f := &rep.Files[fi]
		for k := range f.Findings {
			fd := &f.Findings[k]
			i, ok := j.policy.IgnoreFor(f.Path, *fd, today)
			if !ok || fd.Suppression == nil {
				continue
			}
			used[i] = true
			if fd.Severity < finding.Critical {
				continue
			}
			if ig := j.policy.Ignore[i]; !ig.Force {
				fd.Suppression = nil
				j.warn(fmt.Sprintf("ignore entry %d (%s on %q) does not suppress the critical finding in %s: ignoring critical findings needs force: true, as allowing a dangerous global does",
					i+1, ig.Rule, ig.Path, f.Path))
				continue
			}
			forced[i] = true
		}
	}
	j.reportForcedIgnores(rep, forced)
	if j.opts.Only != nil || j.opts.Shard.N > 1 {
		return // entries may cover files out of this scan's scope
	}
	for i, ig := range j.policy.Ignore {
		if active := ig.Expires.IsZero() || !today.After(ig.Expires.Time); !used[i] && active {
			j.warn(fmt.Sprintf("ignore entry %d (%s on %q) matched no finding: remove it, or it will hide a future finding nobody reviewed", i+1, ig.Rule, ig.Path))
		}
	}
}

// reportForcedIgnores adds an MG150 finding on the policy file for every
// ignore entry that suppressed a critical finding by force. The policy
// judges its severity.
func (j *scanJob) reportForcedIgnores(rep *finding.Report, forced []bool) {
	var add []finding.Finding
	for i, ig := range j.policy.Ignore {
		if forced[i] {
			add = append(add, j.opts.Policy.Decide(j.policyPath, finding.Finding{Rule: finding.RuleForcedAllow, Offset: -1, Key: fmt.Sprintf("ignore[%d]", i),
				Message: fmt.Sprintf("the policy file ignores critical %s findings on %q by force (reason: %s)", ig.Rule, ig.Path, ig.Reason)}))
		}
	}
	if len(add) == 0 {
		return
	}
	at := slices.IndexFunc(rep.Files, func(f finding.FileResult) bool { return f.Path == j.policyPath })
	if at < 0 {
		rep.Files = append(rep.Files, finding.FileResult{Path: j.policyPath, Format: "policy", Status: finding.StatusScanned, Members: []string{}})
		at = len(rep.Files) - 1
	}
	rep.Files[at].Findings = append(rep.Files[at].Findings, add...)
	slices.SortStableFunc(rep.Files, func(a, b finding.FileResult) int { return strings.Compare(a.Path, b.Path) })
}
