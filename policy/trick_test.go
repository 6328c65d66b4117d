package policy

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// TestTrick checks that a trick is a finding of its own (MG142) that
// never weighs more than medium: the layout runs nothing, what it hid is
// judged on its own, and a benign file with it stays at medium or below.
func TestTrick(t *testing.T) {
	j := &Judge{}
	kinds := []string{TrickFieldOrder, TrickSplitMessage, TrickKerasNoMeta, TrickKerasFolder, TrickH5UserBlock,
		TrickH5Committed, TrickGzipHeader, TrickLFSSpace, TrickLFSOldURL, TrickXZFilters, TrickZipMethod,
		TrickBudgetFlood, TrickZipName, TrickJSONEncoding, TrickUnknownField, TrickTextProto, TrickTemplateEnd, "not-a-kind"}
	for _, k := range kinds {
		t.Run(strings.ReplaceAll(k, "-", "_"), func(t *testing.T) {
			f := j.Trick(Trick{Kind: k, Detail: "d", Offset: 3})
			if f.Rule != finding.RuleLoaderTrick || f.Evidence != k || f.Offset != 3 {
				t.Errorf("finding %+v", f)
			}
			if f.Severity < finding.Low || f.Severity > finding.Medium {
				t.Errorf("severity %v, want low or medium", f.Severity)
			}
		})
	}
	if got := TrickClause([]string{"a", "b"}); got != " (found past a, b)" {
		t.Errorf("TrickClause = %q", got)
	}
	if got := TrickClause(nil); got != "" {
		t.Errorf("TrickClause(nil) = %q", got)
	}
}
