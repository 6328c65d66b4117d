package cli

import "github.com/modelgate/modelgate/finding"

// Exit statuses of Run.
const (
	exitOK      = 0 // no finding at or above --fail-on
	exitFailed  = 1 // findings at or above --fail-on
	exitProblem = 2 // usage error, or the scanner itself failed
)

// gateFails reports whether a finding that counts towards the gate is at
// or above the threshold.
func gateFails(r *finding.Report, failOn finding.Severity) bool {
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			if fd.Gating() && fd.Severity >= failOn {
				return true
			}
		}
	}
	return false
}
