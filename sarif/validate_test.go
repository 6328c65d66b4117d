package sarif

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/internal/sarifcheck"
)

// TestSchema validates every log the tests produce against the official
// SARIF 2.1.0 JSON schema (testdata/sarif-schema-2.1.0.json, unchanged from
// oasis-tcs/sarif-spec), with format assertions on.
func TestSchema(t *testing.T) {
	sch := sarifcheck.Schema(t, "testdata")
	for name, log := range cases(t) {
		t.Run(strings.TrimSuffix(name, ".sarif"), func(t *testing.T) {
			if err := sarifcheck.Validate(t, sch, log); err != nil {
				t.Errorf("%s does not follow the SARIF schema: %v", name, err)
			}
		})
	}
}

// TestSchemaCatchesErrors makes sure the schema check can fail.
func TestSchemaCatchesErrors(t *testing.T) {
	sch := sarifcheck.Schema(t, "testdata")
	bad := strings.Replace(string(cases(t)["findings.sarif"]), `"level": "error"`, `"level": "critical"`, 1)
	if sarifcheck.Validate(t, sch, []byte(bad)) == nil {
		t.Error(`level "critical" passed the schema`)
	}
}

// TestMultitool validates every log with `Sarif.Multitool validate
// --rule-kind "Sarif;Ghas"` and GitHub's rules GH1001-GH1007 switched on.
// The Multitool exits 0 whatever it finds and skips files it cannot read,
// so the test reads both its output and the log it writes, and fails on any
// error or warning.
func TestMultitool(t *testing.T) {
	mt := sarifcheck.Multitool(t)
	if mt == "" {
		t.Skip("SARIF Multitool not installed: run scripts/install-sarif-multitool.sh or set SARIF_MULTITOOL")
	}
	for name, log := range cases(t) {
		t.Run(strings.TrimSuffix(name, ".sarif"), func(t *testing.T) {
			for _, p := range sarifcheck.Problems(t, mt, "testdata", log) {
				t.Error(p)
			}
		})
	}
	t.Run("catches_warnings", func(t *testing.T) {
		bad := strings.Replace(string(cases(t)["clean.sarif"]), `"version": "0.0.0-devel"`, `"version": "devel"`, 1)
		if len(sarifcheck.Problems(t, mt, "testdata", []byte(bad))) == 0 {
			t.Error("a non-numeric tool version raised no SARIF2005 warning")
		}
	})
}
