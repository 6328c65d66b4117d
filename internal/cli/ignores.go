package cli

import (
	"slices"
	"strings"

	"github.com/modelgate/modelgate/finding"
)

// reviewIgnores reports what the policy makes of its file's entries after
// the scan (policy.Judge.ReviewEntries): warnings, and the MG150 findings
// on the policy file itself (forced allows, critical findings ignored by
// force).
func (j *scanJob) reviewIgnores(rep *finding.Report) {
	warnings, onFile := j.opts.Policy.ReviewEntries(rep, j.opts.Only == nil && j.opts.Shard.N <= 1)
	for _, w := range warnings {
		j.warn(w)
	}
	j.reportOnPolicyFile(rep, onFile)
}

// reportOnPolicyFile adds findings on the policy file to its result, made
// when the scan did not already list the file.
func (j *scanJob) reportOnPolicyFile(rep *finding.Report, add []finding.Finding) {
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
