//go:build oraclemutant

package policy

import "github.com/modelgate/modelgate/finding"

// mutate exists only in the oracle's test build: it lowers every
// DangerousCallable finding to low, as if the denylist were switched off,
// so that the oracle's quick mode has a real bypass to find. The oracle's
// test fails when it does not find one (docs/oracle.md).
func (p *Judge) mutate(f *finding.Finding) {
	if f.Rule == finding.RuleDangerousCallable {
		f.Severity = finding.Low
	}
}
