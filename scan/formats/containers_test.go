package formats

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
)

// qaCase is one entry of testdata/containers/expected.json, written by
// testdata/containers/gen.py beside the sample it describes.
type qaCase struct {
	File     string `json:"file"`
	Verdict  string `json:"verdict"`
	Format   string `json:"format"`
	Member   string `json:"member"`
	Callable string `json:"callable"`
	Rule     string `json:"rule"`
}

// TestContainerSamples scans one sample per container technique and checks it:
// malicious samples get a finding of at least high naming the callable at
// the member that holds it; hostile ones (bombs, encryption, too deep) a
// finding of their rule at least high; benign ones nothing above medium,
// with the expected member read; truncated or corrupt ones at least one
// finding. Every file is scanned in one run, so a panic or a hang fails
// the whole test.
func TestContainerSamples(t *testing.T) {
	b, err := os.ReadFile("testdata/containers/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []qaCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	got := scanPaths(t, nil, "testdata/containers")
	for _, c := range cases {
		t.Run(subtestName(c.File), func(t *testing.T) {
			f, ok := got[c.File]
			if !ok {
				t.Fatal("not in the report")
			}
			checkQA(t, c, f)
			if t.Failed() {
				t.Logf("%s: format %q status %q members %q", c.File, f.Format, f.Status, f.Members)
				for _, fd := range f.Findings {
					t.Logf("  %s %s member=%q callable=%q %s", fd.Rule, fd.Severity, fd.Member, fd.Callable, fd.Message)
				}
			}
		})
	}
}

// subtestName turns a file name into a subtest name of [a-z0-9_].
func subtestName(file string) string {
	b := []byte(strings.ToLower(file))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

func checkQA(t *testing.T, c qaCase, f finding.FileResult) {
	t.Helper()
	if c.Format != "" && f.Format != c.Format {
		t.Errorf("format %q, want %q", f.Format, c.Format)
	}
	switch c.Verdict {
	case "malicious":
		if !slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool {
			return fd.Severity >= finding.High && fd.Member == c.Member && fd.Callable == c.Callable
		}) {
			t.Errorf("no finding of at least high for %s at member %q", c.Callable, c.Member)
		}
	case "hostile":
		if !slices.ContainsFunc(f.Findings, func(fd finding.Finding) bool {
			return fd.Severity >= finding.High && fd.Rule == c.Rule && (c.Member == "" || fd.Member == c.Member)
		}) {
			t.Errorf("no %s finding of at least high at member %q", c.Rule, c.Member)
		}
	case "benign":
		for _, fd := range f.Findings {
			if fd.Severity > finding.Medium {
				t.Errorf("false alarm: %s %s %s", fd.Rule, fd.Severity, fd.Message)
			}
		}
		if c.Member != "" && !slices.Contains(f.Members, c.Member) {
			t.Errorf("member %q not read", c.Member)
		}
	case "broken":
		if len(f.Findings) == 0 {
			t.Error("a truncated or corrupt file passed without a finding")
		}
	default:
		t.Fatalf("unknown verdict %q", c.Verdict)
	}
}
