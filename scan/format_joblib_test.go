package scan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// rawPickle stands in for the raw pickle format in tests: a stream that
// starts with PROTO is read with scanPickleStream.
type rawPickle struct{}

func (rawPickle) Name() string { return "pickle" }
func (rawPickle) Match(in *Input) bool {
	return len(in.Head) > 1 && in.Head[0] == 0x80 && in.Head[1] <= 5
}
func (rawPickle) Scan(s *Session, in *Input) error { return scanPickleStream(s, in) }

// streamFixtures scans testdata/stream once per test binary run.
func streamFixtures(t *testing.T) map[string]FileResult {
	t.Helper()
	opts := DefaultOptions()
	opts.Roots = []string{"testdata/stream"}
	opts.Formats = append(DefaultFormats(), rawPickle{})
	rep, err := Scan(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]FileResult{}
	for _, f := range rep.Files {
		got[strings.TrimPrefix(f.Path, "testdata/stream/")] = f
	}
	return got
}

// outcome renders what a fixture test checks: format, status, the members
// where posix.system is found, and the findings of the container rules.
func outcome(f FileResult) string {
	var system, rules []string
	for _, fd := range f.Findings {
		switch {
		case fd.Callable == "posix.system":
			system = append(system, fd.Member)
		case fd.Rule == RuleMalformedFormat || fd.Rule == RuleTrailingData || fd.Rule == RuleUnscannable || fd.Rule == RuleInconclusive:
			rules = append(rules, fd.Rule+"@"+fd.Member)
		}
	}
	slices.Sort(system)
	system = slices.Compact(system)
	return fmt.Sprintf("%s %s system=%q rules=%q", f.Format, f.Status, system, rules)
}

type fixtureCase struct{ file, want string }

func checkFixtures(t *testing.T, tests []fixtureCase) {
	t.Helper()
	got := streamFixtures(t)
	for _, tt := range tests {
		t.Run(strings.NewReplacer(".", "_", "-", "_").Replace(tt.file), func(t *testing.T) {
			f, ok := got[tt.file]
			if !ok {
				t.Fatalf("%s not scanned", tt.file)
			}
			if s := outcome(f); s != tt.want {
				t.Errorf("got  %s\nwant %s", s, tt.want)
			}
		})
	}
}

func TestJoblibFixtures(t *testing.T) {
	checkFixtures(t, []fixtureCase{
		{"joblib_arrays.joblib", "joblib scanned system=[] rules=[]"},
		{"joblib_sklearn.joblib", "joblib scanned system=[] rules=[]"},
		{"joblib_sklearn_zlib.joblib", "joblib-zlib scanned system=[] rules=[]"},
		{"joblib_sklearn_gzip.joblib", "joblib-gzip scanned system=[] rules=[]"},
		{"joblib_sklearn_bz2.joblib", "joblib-bz2 scanned system=[] rules=[]"},
		{"joblib_sklearn_xz.joblib", "joblib-xz scanned system=[] rules=[]"},
		{"joblib_sklearn_lzma.joblib", "joblib-lzma scanned system=[] rules=[]"},
		{"joblib_sklearn_lz4.joblib", "joblib-lz4 scanned system=[] rules=[]"},
		{"evil_joblib_after_array.joblib", `joblib scanned system=[""] rules=[]`},
		{"evil_joblib_zlib.joblib", `joblib-zlib scanned system=["<zlib>"] rules=[]`},
		{"evil_joblib_lzma.joblib", `joblib-lzma scanned system=["<lzma>"] rules=[]`},
	})
}
