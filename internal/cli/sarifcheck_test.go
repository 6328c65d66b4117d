package cli

import (
	"testing"

	"github.com/modelgate/modelgate/internal/sarifcheck"
)

// checkSARIF applies the suite's SARIF checks to a log the CLI wrote: the
// official SARIF 2.1.0 schema with format assertions, and Microsoft's
// SARIF Multitool with GitHub's rules (as sarif/validate_test.go does),
// when it is installed (required with SARIF_MULTITOOL_REQUIRED set).
func checkSARIF(t *testing.T, log []byte) {
	t.Helper()
	sch := sarifcheck.Schema(t, sarifcheck.Dir(repoRoot(t)))
	if err := sarifcheck.Validate(t, sch, log); err != nil {
		t.Errorf("SARIF does not follow the schema: %v", err)
	}
	mt := sarifcheck.Multitool(t)
	if mt == "" {
		t.Log("SARIF Multitool not installed: schema check only")
		return
	}
	for _, p := range sarifcheck.Problems(t, mt, sarifcheck.Dir(repoRoot(t)), log) {
		t.Error(p)
	}
}
